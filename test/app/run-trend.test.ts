import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrend, recordTrendEntry, TREND_RUNS } from '../../src/app/run-trend';
import { MemoryStore } from '../../src/store/memory-store';
import { STATE } from '../../src/store/state-keys';
import type { FleetStore } from '../../src/store/types';
import { type LocalDynamo, startLocalDynamo } from '../support/local-dynamo';

const runAt = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString();

function summary(i: number) {
  return {
    at: runAt(i),
    hosts: i,
    vms: 0,
    open: { HIGH: 1 },
    waived: 0,
    resolved: 0,
  };
}

async function recordRuns(store: FleetStore, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) await recordTrendEntry(store, STATE.runSummaries, runAt(i), summary(i));
}

describe('run trends', () => {
  let db: LocalDynamo;
  beforeAll(async () => {
    db = await startLocalDynamo('hyperaudit-trend-');
  }, 60_000);
  afterAll(async () => db?.stop());

  it.each([
    ['memory', () => new MemoryStore() as FleetStore],
    ['dynalite', () => db.store as FleetStore],
  ])(
    'keeps only the newest runs a trend shows, oldest first (%s)',
    async (_name, open) => {
      const store = open();
      await recordRuns(store, TREND_RUNS + 5);
      const kept = await store.listMeta<unknown>(STATE.runSummaries.prefix);
      expect(kept.map((e) => e.key)).toEqual(
        Array.from({ length: TREND_RUNS }, (_, i) => STATE.runSummaries.key(runAt(i + 5)).key),
      );
      const trend = await readTrend(store, STATE.runSummaries);
      expect(trend.map((s) => s.hosts)).toEqual(Array.from({ length: TREND_RUNS }, (_, i) => i + 5));
      expect((await readTrend(store, STATE.runSummaries, 3)).map((s) => s.hosts)).toEqual([
        TREND_RUNS + 2,
        TREND_RUNS + 3,
        TREND_RUNS + 4,
      ]);
    },
    120_000,
  );

  it('reads a trend with requests bounded by the runs shown, not by the runs stored', async () => {
    const store = db.store;
    // Entries an older version kept without pruning: the read still asks for the newest few only.
    for (let i = 0; i < 300; i++) await store.putMeta(`compliance/runs/${runAt(i)}`, { at: runAt(i) });
    const before = store.stats.readRequests;
    const newest = await store.listMeta<{ at: string }>('compliance/runs/', { newest: 2 });
    expect(newest.map((e) => e.value.at)).toEqual([runAt(298), runAt(299)]);
    expect(store.stats.readRequests - before).toBe(1);
  }, 120_000);
});
