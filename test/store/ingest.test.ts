import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { IngestError, ingestOutcomes, type IngestProgress } from '../../src/app/ingest';
import { PartialPutError } from '../../src/store/partial-put-error';
import type { SourceOutcome } from '../../src/sources/types';
import { MemoryStore } from '../../src/store/memory-store';
import type { PutEventsResult } from '../../src/store/types';

const upsert = (n: number, vm = `vm-${n}`): FleetEvent => ({
  id: `e${n}`,
  time: `2025-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`,
  type: 'vm.upsert',
  vm: { id: vm },
});
const ev = (n: number, source: 'vcenter' | 'nova' = 'vcenter'): SourceOutcome => ({
  kind: 'event',
  source,
  event: upsert(n),
  file: `${source}.json`,
  record: `record ${n}`,
});

/** Records each putEvents batch so tests can see how outcomes were grouped. */
class RecordingStore extends MemoryStore {
  readonly batches: string[][] = [];
  override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    this.batches.push(events.map((e) => e.id));
    return super.putEvents(events);
  }
}

describe('ingestOutcomes', () => {
  it('batches events, keeping each batch to one source so counts are attributed per source', async () => {
    const store = new RecordingStore();
    const outcomes = [ev(1), ev(2, 'nova'), ev(3), ev(4), ev(5, 'nova'), ev(1)];
    const report = await ingestOutcomes(store, outcomes, { batchSize: 2 });
    expect(store.batches).toEqual([
      ['e1', 'e3'],
      ['e2', 'e5'],
      ['e4', 'e1'],
    ]);
    expect(report.bySource).toEqual({
      vcenter: { accepted: 3, duplicates: 1, ignored: 0, rejected: 0 },
      nova: { accepted: 2, duplicates: 0, ignored: 0, rejected: 0 },
    });
    expect(report).toMatchObject({ accepted: 5, duplicates: 1 });
  });

  it('reads an async iterable and reports progress up to the final counts', async () => {
    async function* outcomes(): AsyncGenerator<SourceOutcome> {
      for (let i = 0; i < 250; i++) yield ev(i);
      yield {
        kind: 'ignored',
        source: 'vcenter',
        reason: 'UserLoginSessionEvent',
        file: 'vcenter.json',
        record: 'record 250',
      };
      yield { kind: 'rejected', reason: 'not JSON', file: 'junk.bin' };
    }
    const seen: IngestProgress[] = [];
    const report = await ingestOutcomes(new MemoryStore(), outcomes(), {
      batchSize: 100,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.at(-1)).toEqual({ processed: 252, accepted: 250, duplicates: 0, ignored: 1, rejected: 1 });
    expect(seen.map((p) => p.accepted)).toEqual([...seen.map((p) => p.accepted)].sort((a, b) => a - b));
    expect(report.rejected).toEqual([{ file: 'junk.bin', reason: 'not JSON' }]);
    expect(report.bySource.unknown).toEqual({ accepted: 0, duplicates: 0, ignored: 0, rejected: 1 });
  });

  it('lists each touched entity once', async () => {
    const outcomes: SourceOutcome[] = [1, 2, 3].map((n) => ({
      kind: 'event',
      source: 'canonical',
      event: upsert(n, 'same'),
      file: 'f',
    }));
    const report = await ingestOutcomes(new MemoryStore(), outcomes, { batchSize: 1 });
    expect(report.subjects).toEqual([{ kind: 'vm', id: 'same' }]);
  });

  it('fails when the store fails, after the writes already in flight have settled', async () => {
    let settled = 0;
    const store = new (class extends MemoryStore {
      override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
        await new Promise((ok) => setTimeout(ok, 5));
        settled++;
        if (events[0]!.id === 'e2') throw new Error('table gone');
        return super.putEvents(events);
      }
    })();
    await expect(ingestOutcomes(store, [ev(1), ev(2), ev(3)], { batchSize: 1, concurrency: 2 })).rejects.toThrow(
      'table gone',
    );
    expect(settled).toBe(3);
  });

  describe('when a write fails while the source is slow', () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled.length = 0;
      process.on('unhandledRejection', onUnhandled);
    });
    afterEach(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    const tableGone = new Error('table gone');
    /** putEvents rejects 10 ms after it is called. */
    const failingStore = () =>
      new (class extends MemoryStore {
        override async putEvents(): Promise<PutEventsResult> {
          await new Promise((ok) => setTimeout(ok, 10));
          throw tableGone;
        }
      })();

    it('rejects with the store error, with no unhandled rejection, and reads no further outcome', async () => {
      let yielded = 0;
      let closed = false;
      async function* slowSource(): AsyncGenerator<SourceOutcome> {
        try {
          for (let n = 1; n <= 5; n++) {
            yielded++;
            yield ev(n);
            await new Promise((ok) => setTimeout(ok, 100));
          }
        } finally {
          closed = true;
        }
      }
      const err = await ingestOutcomes(failingStore(), slowSource(), { batchSize: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IngestError);
      expect((err as IngestError).cause).toBe(tableGone);
      expect((err as Error).message).toMatch(/^ingest stopped: the store failed \(table gone\); 0 event\(s\) stored/);
      expect(unhandled).toEqual([]);
      // The outcome that arrived after the failure was not written, and the source was closed.
      expect(yielded).toBe(2);
      expect(closed).toBe(true);
    });
  });

  it('reports in the error the events a failed batch stored before the failure', async () => {
    const store = new (class extends MemoryStore {
      override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
        if (events[0]!.id !== 'e3') return super.putEvents(events);
        const stored = await super.putEvents([events[0]!]);
        throw new PartialPutError([events[0]!], { ...stored, duplicates: 0 }, new Error('throttled for good'));
      }
    })();
    const err = (await ingestOutcomes(store, [ev(1), ev(2), ev(3), ev(4)], { batchSize: 2, concurrency: 1 }).catch(
      (e: unknown) => e,
    )) as IngestError;
    expect(err).toBeInstanceOf(IngestError);
    expect(err.report).toMatchObject({
      accepted: 3,
      duplicates: 0,
      subjects: [{ id: 'vm-1' }, { id: 'vm-2' }, { id: 'vm-3' }],
    });
    expect(err.message).toContain('3 event(s) stored');
  });
});
