import { describe, expect, it } from 'vitest';
import { loadNotifyState, saveNotifyState } from '../../src/alerts/notify-state';
import { runNotify } from '../../src/pipeline/notify';
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
    await store.putFindings(Array.from({ length: 20_000 }, (_, i) => finding(i, { ruleId: 'one-rule', fingerprint: `f${i}` })));
    const result = await runNotify(store, { minSeverity: 'info' });
    expect(result.newCount).toBe(20_000);
    for (const m of await store.listOutbox()) expect(JSON.stringify(m).length).toBeLessThan(DYNAMO_ITEM_LIMIT);
    const again = await runNotify(store, { minSeverity: 'info' });
    expect(again.newCount).toBe(0);
  });
});
