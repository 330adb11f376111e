import { compareEvents, eventSubject, type FleetEvent } from '../model/event';
import { getOrCreate } from '../model/get-or-create';
import { foldEvents } from '../model/entity-state';
import { materialiseFleet, type Fleet } from '../model/fleet';
import type { Finding } from '../model/finding';
import { eventKey, keyString } from './items';
import { decodeUnverifiedPage, encodeUnverifiedPages, mergeItemsAndPages } from './unverified-pages';
import { MemoryFindingDigests } from './finding-digests';
import { DEFAULT_MAX_AHEAD_SECONDS } from '../sources/clock-skew';
import { compareText } from '../model/event-order';
import {
  byCreation,
  type FindingKey,
  type FleetStore,
  type ListMetaOptions,
  type FleetWithHistory,
  type FleetWithHistoryOptions,
  type FutureEventRef,
  type OutboxMessage,
  type PurgeFutureResult,
  type PutEventsResult,
} from './types';

/** In-process store with the same semantics as the DynamoDB one; for unit tests and dry runs. */
export class MemoryStore implements FleetStore {
  /**
   * By the DynamoDB store's key (subject, UTC event time, id), not the id alone: an id reused for another
   * subject or time is a different event there, and tests on this store must see what production sees.
   */
  private readonly events = new Map<string, FleetEvent>();
  private readonly findings = new Map<string, Finding>();
  /** Unverified findings in their compact stored form, by group, then profile and rule, as DynamoStore keeps them. */
  private readonly unverifiedPages = new Map<string, Map<string, string[]>>();
  private readonly meta = new Map<string, unknown>();
  private readonly outbox = new Map<string, OutboxMessage>();
  readonly findingDigests = new MemoryFindingDigests();

  /** `now` and `maxEventAheadMs`: the clock-skew policy's cutoff, as DynamoStore applies it to every fold. */
  constructor(private readonly clock: { now?: () => number; maxEventAheadMs?: number } = {}) {}

  private isFuture(event: FleetEvent): boolean {
    return (
      Date.parse(event.time) >
      (this.clock.now ?? Date.now)() + (this.clock.maxEventAheadMs ?? DEFAULT_MAX_AHEAD_SECONDS * 1000)
    );
  }

  private current(): FleetEvent[] {
    return [...this.events.values()].filter((e) => !this.isFuture(e));
  }

  async listFutureEvents(): Promise<FutureEventRef[]> {
    return [...this.events.values()]
      .filter((e) => this.isFuture(e))
      .sort(compareEvents)
      .map((e) => {
        const s = eventSubject(e);
        return {
          kind: s.kind,
          subject: s.id,
          eventId: e.id,
          type: e.type,
          time: e.time,
          ...(e.source !== undefined && { source: e.source }),
        };
      });
  }

  async purgeFutureEvents(): Promise<PurgeFutureResult> {
    let deleted = 0;
    for (const [key, e] of this.events) {
      if (!this.isFuture(e)) continue;
      this.events.delete(key);
      deleted++;
    }
    return { deleted, snapshotsRepaired: 0 };
  }

  async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    const result: PutEventsResult = { written: 0, duplicates: 0, subjects: [] };
    for (const event of events) {
      const key = keyString(eventKey(event));
      if (this.events.has(key)) {
        result.duplicates++;
        continue;
      }
      this.events.set(key, structuredClone(event));
      result.written++;
      result.subjects.push(eventSubject(event));
    }
    return result;
  }

  async loadFleet(): Promise<Fleet> {
    return materialiseFleet(foldEvents(this.current()).values());
  }

  async *readHistory(): AsyncIterable<FleetEvent> {
    yield* this.current().sort(compareEvents);
  }

  async loadFleetWithHistory(options: FleetWithHistoryOptions = {}): Promise<FleetWithHistory> {
    const history = this.current().sort(compareEvents);
    // No snapshots and no expiry here: the history always holds the whole fleet.
    if (options.fleetOnlyBeyondHistory) return { history };
    return { fleet: materialiseFleet(foldEvents(history).values()), history };
  }

  async listFindings(): Promise<Finding[]> {
    return mergeItemsAndPages(
      [...this.findings.values()].map((f) => structuredClone(f)),
      await this.listUnverifiedFindings(),
    );
  }

  async listFindingItems(): Promise<Finding[]> {
    return [...this.findings.values()].map((f) => structuredClone(f));
  }

  async listUnverifiedFindings(groups?: readonly string[]): Promise<Finding[]> {
    const wanted = groups === undefined ? [...this.unverifiedPages.keys()] : [...new Set(groups)];
    return wanted.flatMap((g) =>
      [...(this.unverifiedPages.get(g)?.values() ?? [])].flat().flatMap(decodeUnverifiedPage),
    );
  }

  async listTypeFindings(resourceType: string): Promise<Finding[]> {
    return (await this.listFindings()).filter((f) => f.resourceType === resourceType);
  }

  async listResourceFindings(resourceType: string, resourceId: string): Promise<Finding[]> {
    return (await this.listFindings()).filter((f) => f.resourceType === resourceType && f.resourceId === resourceId);
  }

  async getFindings(keys: readonly FindingKey[]): Promise<Finding[]> {
    const out: Finding[] = [];
    for (const k of new Set(keys.map((key) => key.fingerprint))) {
      const f = this.findings.get(k);
      if (f !== undefined) out.push(structuredClone(f));
    }
    return out;
  }

  async putFindings(findings: readonly Finding[]): Promise<void> {
    for (const f of findings) this.findings.set(f.fingerprint, structuredClone(f));
  }

  async replaceUnverified(profile: string, group: string, ruleId: string, findings: readonly Finding[]): Promise<void> {
    getOrCreate(this.unverifiedPages, group, () => new Map()).set(
      `${profile}\u0000${ruleId}`,
      encodeUnverifiedPages(findings),
    );
  }

  async deleteFindings(findings: readonly Pick<Finding, 'fingerprint'>[]): Promise<void> {
    for (const f of findings) this.findings.delete(f.fingerprint);
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return structuredClone(this.meta.get(key)) as T | undefined;
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    this.meta.set(key, structuredClone(value));
  }

  async listMeta<T>(prefix: string, options: ListMetaOptions = {}): Promise<{ key: string; value: T }[]> {
    const keys = [...this.meta.keys()].filter((k) => k.startsWith(prefix)).sort(compareText);
    const shown = options.newest === undefined ? keys : keys.slice(Math.max(0, keys.length - options.newest));
    return shown.map((key) => ({ key, value: structuredClone(this.meta.get(key)) as T }));
  }

  async deleteMeta(key: string): Promise<void> {
    this.meta.delete(key);
  }

  async enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void> {
    for (const m of messages) if (!this.outbox.has(m.id)) this.outbox.set(m.id, structuredClone(m));
  }

  async listOutbox(): Promise<OutboxMessage[]> {
    return [...this.outbox.values()].sort(byCreation);
  }

  async deleteOutbox(id: string): Promise<void> {
    this.outbox.delete(id);
  }
}
