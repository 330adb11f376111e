import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { describe, expect, it } from 'vitest';
import { loadNotifyState, saveNotifyState } from '../../src/alerts/notify-state';
import { runNotify } from '../../src/app/notify';
import { MemoryStore } from '../../src/store/memory-store';
import { finding } from './findings-fixture';

const fingerprints = (n: number) => Array.from({ length: n }, (_, i) => `${i.toString(16).padStart(32, '0')}`).sort();
const DYNAMO_ITEM_LIMIT = 400 * 1024;

describe('notify state storage', () => {
  it('keeps a small announced set in notify/last', async () => {
    const store = new MemoryStore();
    await saveNotifyState(store, { at: 't1', announced: fingerprints(10) });
    expect(await store.getMeta('notify/last')).toEqual({ at: 't1', announced: fingerprints(10) });
    expect(await loadNotifyState(store)).toEqual({ at: 't1', announced: fingerprints(10) });
  });

  it('shards a large announced set so that no item nears the DynamoDB item limit, and reads it back', async () => {
    const store = new MemoryStore();
    const big = fingerprints(100_000);
    await saveNotifyState(store, { at: 't2', announced: big });
    const items = await store.listMeta<unknown>('notify/');
    for (const { value } of items) expect(JSON.stringify(value).length).toBeLessThan(DYNAMO_ITEM_LIMIT);
    expect(await loadNotifyState(store)).toEqual({ at: 't2', announced: big });
  });

  it('clears every shard when the set shrinks and grows again', async () => {
    const store = new MemoryStore();
    await saveNotifyState(store, { at: 't1', announced: fingerprints(9000) });
    await saveNotifyState(store, { at: 't2', announced: fingerprints(3) });
    expect(await loadNotifyState(store)).toEqual({ at: 't2', announced: fingerprints(3) });
    const other = fingerprints(12_000).slice(6000);
    await saveNotifyState(store, { at: 't3', announced: other });
    expect(await loadNotifyState(store)).toEqual({ at: 't3', announced: other });
  });

  it('keeps outbox items small when one rule fails on twenty thousand VMs', async () => {
    const store = new MemoryStore();
    await store.putFindings(
      Array.from({ length: 20_000 }, (_, i) => finding(i, { ruleId: 'one-rule', fingerprint: `f${i}` })),
    );
    const result = await runNotify({ store, clock: systemClock }, { minSeverity: 'info' });
    expect(result.newCount).toBe(20_000);
    for (const m of await store.listOutbox()) expect(JSON.stringify(m).length).toBeLessThan(DYNAMO_ITEM_LIMIT);
    const again = await runNotify({ store, clock: systemClock }, { minSeverity: 'info' });
    expect(again.newCount).toBe(0);
  });

  it('never moves notify/last backwards: a state from a run that is behind the stored one is not written', async () => {
    const store = new MemoryStore();
    expect(await saveNotifyState(store, { at: '2026-11-02T00:00:00.000Z', announced: ['b'], seq: 3 })).toBe(true);
    // Started earlier with the same number of digests behind it: an overlapping run that lost the race.
    expect(await saveNotifyState(store, { at: '2026-11-01T00:00:00.000Z', announced: ['a'], seq: 3 })).toBe(false);
    // Started later by its clock but planned from an older state: fewer digests behind it.
    expect(await saveNotifyState(store, { at: '2026-11-03T00:00:00.000Z', announced: ['a'], seq: 2 })).toBe(false);
    expect(await loadNotifyState(store)).toEqual({ at: '2026-11-02T00:00:00.000Z', announced: ['b'], seq: 3 });
    expect(await saveNotifyState(store, { at: '2026-11-03T00:00:00.000Z', announced: ['c'], seq: 3 })).toBe(true);
    expect(await loadNotifyState(store)).toEqual({ at: '2026-11-03T00:00:00.000Z', announced: ['c'], seq: 3 });
  });

  it('leaves a newer state in place when a run that started earlier finishes last', async () => {
    const store = new MemoryStore();
    await store.putFindings([finding(1), finding(2)]);
    const later = await runNotify(
      { store, clock: fixedClock(new Date('2026-11-02T00:00:00.000Z')) },
      { minSeverity: 'info' },
    );
    expect(later.stateSaved).toBe(true);
    const newer = await loadNotifyState(store);
    const earlier = await runNotify(
      { store, clock: fixedClock(new Date('2026-11-01T00:00:00.000Z')) },
      { minSeverity: 'info' },
    );
    expect(earlier.stateSaved).toBe(false);
    expect(await loadNotifyState(store)).toEqual(newer);
  });
});
