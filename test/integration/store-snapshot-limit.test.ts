import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { MAX_SNAPSHOT_BYTES } from '../../src/store/dynamo-store';
import { createDynamoClient } from '../../src/store/open-store';
import { LocalStores } from './local-store';

let stores: LocalStores;
beforeAll(async () => {
  stores = await LocalStores.start();
});
afterAll(() => stores.stop());

/** Fits one item as an event (~260 KB), but its snapshot keeps a stamp per setting: well over 400 KB. */
function manySettings(vmId: string): FleetEvent {
  const settings: Record<string, string> = {};
  for (let i = 0; i < 20_000; i++) settings[`k${i}`] = '1';
  return {
    id: `big-${vmId}`,
    time: '2025-02-01T00:00:00Z',
    type: 'vm.upsert',
    vm: { id: vmId, name: 'wide', settings },
  };
}

const small = (n: number): FleetEvent => ({
  id: `e${n}`,
  time: '2025-02-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: `vm-${n}`, name: `small-${n}` },
});

/** Past the 5-minute coverage margin, as the next scheduled run would be. */
const later = () => Date.now() + 10 * 60_000;

describe('snapshots larger than a DynamoDB item', () => {
  it('compacts every other entity and reports the one whose snapshot would exceed the item limit, whose state is still read from its events', async () => {
    const writer = await stores.open({ snapshotEvery: 0 });
    await writer.putEvents([small(1), manySettings('vm-wide'), small(2)]);
    const store = await stores.open({ tableName: writer.tableName, now: later });

    const result = await store.compact();
    expect(result).toEqual({
      entities: 3,
      snapshotsWritten: 2,
      oversized: [{ kind: 'vm', id: 'vm-wide', bytes: expect.any(Number) }],
      newestEventAt: '2025-02-01T00:00:00Z',
    });
    expect(result.oversized![0]!.bytes).toBeGreaterThan(MAX_SNAPSHOT_BYTES);

    const client = createDynamoClient({ endpoint: stores.server.endpoint });
    const snapshot = (vm: string) =>
      client.send(
        new GetItemCommand({ TableName: store.tableName, Key: { pk: { S: `VM#${vm}` }, sk: { S: 'STATE' } } }),
      );
    expect((await snapshot('vm-1')).Item).toBeDefined();
    expect((await snapshot('vm-2')).Item).toBeDefined();
    expect((await snapshot('vm-wide')).Item).toBeUndefined();
    client.destroy();

    const fleet = await store.loadFleet();
    expect(Object.keys(fleet.vms.get('vm-wide')?.settings ?? {})).toHaveLength(20_000);
    expect(fleet.vms.get('vm-2')?.name).toBe('small-2');
  });

  it('stores a batch whose during-ingest snapshot refresh would exceed the item limit, refreshing the other entities', async () => {
    const store = await stores.open({ snapshotEvery: 1 });
    const result = await store.putEvents([small(1), manySettings('vm-wide')]);
    expect(result).toMatchObject({ written: 2, duplicates: 0 });
    expect(store.stats).toMatchObject({ snapshotsWritten: 1, snapshotsSkipped: 1 });
    expect((await store.loadFleet()).vms.get('vm-wide')?.name).toBe('wide');
  });
});
