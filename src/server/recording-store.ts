import { eventSubject, type FleetEvent } from '../model/event';
import type { Fleet } from '../model/fleet';
import type { Finding } from '../model/finding';
import { PartialPutError } from '../store/partial-put-error';
import type { FleetStore, ListMetaOptions, OutboxMessage, PutEventsResult } from '../store/types';

/**
 * A FleetStore that remembers the events it newly stored, so the local pipeline can hand the evaluate handler
 * the stream records DynamoDB would have emitted for them. `putEvents` counts duplicates but does not name
 * them: in a batch with both, the events of the entities it reports as touched stand in for the new ones
 * (evaluate reads only the entity keys, so the records it sees name the same entities as the real stream's).
 */
export class RecordingStore implements FleetStore {
  private stored: FleetEvent[] = [];

  /** `beforePut` runs before each write reaches the table (serve writes its pending-evaluation marker there). */
  constructor(
    private readonly inner: FleetStore,
    private readonly beforePut?: (events: readonly FleetEvent[]) => Promise<void>,
  ) {}

  /** Events stored since the last call, oldest first. */
  takeStored(): FleetEvent[] {
    const out = this.stored;
    this.stored = [];
    return out;
  }

  async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    let result: PutEventsResult;
    if (this.beforePut !== undefined && events.length > 0) await this.beforePut(events);
    try {
      result = await this.inner.putEvents(events);
    } catch (err) {
      // Events stored before the failure are recorded too: the client's retry will count them as
      // duplicates, so this is the only time they are seen as new.
      if (err instanceof PartialPutError) this.stored.push(...err.written);
      throw err;
    }
    if (result.written === events.length) this.stored.push(...events);
    else if (result.written > 0) {
      const touched = new Set(result.subjects.map((s) => `${s.kind}#${s.id}`));
      for (const e of events) {
        const subject = eventSubject(e);
        if (touched.has(`${subject.kind}#${subject.id}`)) this.stored.push(e);
      }
    }
    return result;
  }

  loadFleet(): Promise<Fleet> {
    return this.inner.loadFleet();
  }
  readHistory(): AsyncIterable<FleetEvent> {
    return this.inner.readHistory();
  }
  listFindings(): Promise<Finding[]> {
    return this.inner.listFindings();
  }
  /** The inner store's: its writers here must keep them current as any writer does (src/app/group-digests.ts). */
  get findingDigests() {
    return this.inner.findingDigests;
  }
  putFindings(findings: readonly Finding[]): Promise<void> {
    return this.inner.putFindings(findings);
  }
  replaceUnverified(profile: string, group: string, ruleId: string, findings: readonly Finding[]): Promise<void> {
    return this.inner.replaceUnverified
      ? this.inner.replaceUnverified(profile, group, ruleId, findings)
      : this.inner.putFindings(findings);
  }
  async legacyUnverifiedProfiles(): Promise<string[]> {
    return (await this.inner.legacyUnverifiedProfiles?.()) ?? [];
  }
  async dropLegacyUnverified(profile: string): Promise<void> {
    await this.inner.dropLegacyUnverified?.(profile);
  }
  async deleteFindings(findings: readonly Pick<Finding, 'fingerprint' | 'resourceType' | 'resourceId'>[]) {
    await this.inner.deleteFindings?.(findings);
  }
  getMeta<T>(key: string): Promise<T | undefined> {
    return this.inner.getMeta<T>(key);
  }
  putMeta(key: string, value: unknown): Promise<void> {
    return this.inner.putMeta(key, value);
  }
  listMeta<T>(prefix: string, options?: ListMetaOptions): Promise<{ key: string; value: T }[]> {
    return this.inner.listMeta<T>(prefix, options);
  }

  enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void> {
    return this.inner.enqueueOutbox(messages);
  }
  listOutbox(): Promise<OutboxMessage[]> {
    return this.inner.listOutbox();
  }
  deleteOutbox(id: string): Promise<void> {
    return this.inner.deleteOutbox(id);
  }
}
