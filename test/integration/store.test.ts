import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { fleetToJson } from '../../src/model/fleet';
import { ingestOutcomes } from '../../src/app/ingest';
import { createDynamoClient } from '../../src/store/open-store';
import type { SourceOutcome } from '../../src/sources/types';
import { generateHistory, shuffled } from '../reliability/history';
import { LocalStores } from './local-store';

let stores: LocalStores;
beforeAll(async () => {
  stores = await LocalStores.start();
});
afterAll(() => stores.stop());

const asOutcomes = (events: FleetEvent[]): SourceOutcome[] =>
  events.map((event, i) => ({
    kind: 'event',
    source: 'canonical',
    event,
    file: 'history.ndjson',
    record: `line ${i + 1}`,
  }));

const vm = (id: string, time: string, body: Record<string, unknown>): FleetEvent =>
  ({ id, time, type: 'vm.upsert', vm: { id: 'vm-1', ...body } }) as FleetEvent;

describe('DynamoStore on dynalite', () => {
  it('stores events once and counts every re-ingested event as a duplicate', async () => {
    const store = await stores.open();
    const events = generateHistory({ events: 600, seed: 3, hosts: 5, vms: 30 });
    const first = await ingestOutcomes(store, asOutcomes(events));
    expect(first).toMatchObject({ accepted: 600, duplicates: 0 });
    const second = await ingestOutcomes(store, asOutcomes(events));
    expect(second).toMatchObject({
      accepted: 0,
      duplicates: 600,
      bySource: { canonical: { accepted: 0, duplicates: 600 } },
    });
    const items = await createDynamoClient({ endpoint: stores.server.endpoint }).send(
      new ScanCommand({ TableName: store.tableName, Select: 'COUNT' }),
    );
    expect(items.Count).toBe(600);
  });

  it('keeps the newer VM state when an older event arrives late', async () => {
    const store = await stores.open();
    await store.putEvents([vm('new', '2025-03-01T00:00:00Z', { name: 'current', hostId: 'h-2' })]);
    await store.putEvents([vm('old', '2025-01-01T00:00:00Z', { name: 'stale', hostId: 'h-1', vcpus: 2 })]);
    const got = (await store.loadFleet()).vms.get('vm-1');
    expect(got).toMatchObject({ name: 'current', hostId: 'h-2', vcpus: 2 });
  });

  it('does not resurrect a removed VM when an older upsert arrives after the removal', async () => {
    const store = await stores.open();
    await store.putEvents([{ id: 'rm', time: '2025-02-01T00:00:00Z', type: 'vm.remove', vm: { id: 'vm-1' } }]);
    await store.putEvents([vm('old', '2025-01-01T00:00:00Z', { name: 'gone' })]);
    expect((await store.loadFleet()).vms.has('vm-1')).toBe(false);
  });

  it('gives an identical inventory for the same history in shuffled order', async () => {
    const events = generateHistory({ events: 1500, seed: 11, hosts: 6, vms: 40 });
    const inOrder = await stores.open();
    const mixed = await stores.open();
    await ingestOutcomes(inOrder, asOutcomes(events));
    await ingestOutcomes(mixed, asOutcomes(shuffled(events, 99)), { batchSize: 37, concurrency: 3 });
    const a = fleetToJson(await inOrder.loadFleet());
    expect(a.vms.length).toBeGreaterThan(20);
    expect(fleetToJson(await mixed.loadFleet())).toEqual(a);
  });

  it('keeps state in the snapshot once the events it holds are gone, and a late older event still loses to it', async () => {
    const store = await stores.open();
    const client = createDynamoClient({ endpoint: stores.server.endpoint });
    await store.putEvents([
      vm('a', '2025-01-01T00:00:00Z', { name: 'first', hostId: 'h-1' }),
      vm('b', '2025-02-01T00:00:00Z', { name: 'second' }),
      { id: 'c', time: '2025-02-02T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-1' } },
    ]);
    expect(await store.compact()).toMatchObject({ snapshotsWritten: 1 });
    // What DynamoDB's TTL does once the retention has passed: the event items go, the snapshot stays.
    const scan = await client.send(new ScanCommand({ TableName: store.tableName }));
    for (const item of scan.Items ?? []) {
      if (item.sk!.S!.startsWith('EV#'))
        await client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: item.pk!, sk: item.sk! } }));
    }
    await store.putEvents([vm('late', '2025-01-15T00:00:00Z', { name: 'late-but-older', vcpus: 4 })]);
    expect((await store.loadFleet()).vms.get('vm-1')).toMatchObject({
      name: 'second',
      hostId: 'h-1',
      powerState: 'poweredOn',
      vcpus: 4,
    });
  });

  it('refreshes a busy entity snapshot during ingest without changing what is read back', async () => {
    const store = await stores.open({ snapshotEvery: 10 });
    const events = Array.from({ length: 35 }, (_, i) =>
      vm(`e${i}`, `2025-01-01T00:00:${String(i).padStart(2, '0')}Z`, { memoryMiB: i }),
    );
    await ingestOutcomes(store, asOutcomes(shuffled(events, 5)), { batchSize: 7 });
    const scan = await createDynamoClient({ endpoint: stores.server.endpoint }).send(
      new ScanCommand({ TableName: store.tableName }),
    );
    expect(scan.Items?.filter((i) => i.sk?.S === 'STATE')).toHaveLength(1);
    expect((await store.loadFleet()).vms.get('vm-1')?.memoryMiB).toBe(34);
  });

  it('stores the valid events of a batch in which another record is rejected', async () => {
    const store = await stores.open();
    const outcomes: SourceOutcome[] = [
      {
        kind: 'event',
        source: 'canonical',
        event: vm('ok-1', '2025-01-01T00:00:00Z', { name: 'kept' }),
        file: 'f.ndjson',
        record: 'line 1',
      },
      {
        kind: 'rejected',
        source: 'canonical',
        reason: 'time: not RFC 3339',
        field: 'time',
        file: 'f.ndjson',
        record: 'line 2',
      },
      { kind: 'ignored', source: 'canonical', reason: 'vm.reconfigured.noop', file: 'f.ndjson', record: 'line 3' },
      {
        kind: 'event',
        source: 'canonical',
        event: { id: 'ok-2', time: '2025-01-02T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-1' } },
        file: 'f.ndjson',
        record: 'line 4',
      },
    ];
    const report = await ingestOutcomes(store, outcomes);
    expect(report).toMatchObject({
      accepted: 2,
      rejected: [{ file: 'f.ndjson', record: 'line 2', field: 'time', reason: 'time: not RFC 3339' }],
      ignored: [{ file: 'f.ndjson', record: 'line 3', reason: 'vm.reconfigured.noop' }],
      bySource: { canonical: { accepted: 2, duplicates: 0, ignored: 1, rejected: 1 } },
      subjects: [{ kind: 'vm', id: 'vm-1' }],
    });
    expect((await store.loadFleet()).vms.get('vm-1')).toMatchObject({ name: 'kept', powerState: 'poweredOn' });
  });

  it('rejects an event larger than a DynamoDB item, naming its record, and stores the rest of its batch', async () => {
    const store = await stores.open();
    const huge = vm('huge', '2025-01-01T00:00:00Z', { settings: { annotation: 'x'.repeat(500_000) } });
    const report = await ingestOutcomes(store, [
      {
        kind: 'event',
        source: 'canonical',
        event: vm('small', '2025-01-01T00:00:00Z', { name: 'fits' }),
        file: 'f.ndjson',
        record: 'line 1',
      },
      { kind: 'event', source: 'canonical', event: huge, file: 'f.ndjson', record: 'line 2' },
    ]);
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      { file: 'f.ndjson', record: 'line 2', reason: expect.stringContaining('DynamoDB item limit') },
    ]);
    expect(report.bySource.canonical).toMatchObject({ accepted: 1, rejected: 1 });
    expect((await store.loadFleet()).vms.get('vm-1')?.name).toBe('fits');
  });

  it('keeps findings, meta and the outbox in their own partitions', async () => {
    const store = await stores.open();
    await store.putMeta('audit/last', { at: 1 });
    await store.putMeta('audit/prev', { at: 0 });
    await store.putMeta('other', 1);
    expect(await store.listMeta('audit/')).toEqual([
      { key: 'audit/last', value: { at: 1 } },
      { key: 'audit/prev', value: { at: 0 } },
    ]);
    expect(await store.getMeta('missing')).toBeUndefined();
    const msg = (id: string, createdAt: string) => ({ id, createdAt, payload: { text: id }, fingerprints: [id] });
    await store.enqueueOutbox([msg('b', '2025-01-02T00:00:00Z'), msg('a', '2025-01-03T00:00:00Z')]);
    await store.enqueueOutbox([{ ...msg('b', '2025-01-02T00:00:00Z'), payload: { text: 'changed' } }]);
    expect((await store.listOutbox()).map((m) => [m.id, m.payload.text])).toEqual([
      ['b', 'b'],
      ['a', 'a'],
    ]);
    await store.deleteOutbox('b');
    expect((await store.listOutbox()).map((m) => m.id)).toEqual(['a']);
    expect((await store.loadFleet()).vms.size).toBe(0);
  });
});
