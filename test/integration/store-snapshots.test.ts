import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { createDynamoClient } from '../../src/store/open-store';
import { LocalStores } from './local-store';

let stores: LocalStores;
beforeAll(async () => {
  stores = await LocalStores.start();
});
afterAll(() => stores.stop());

const vc = { source: 'vcenter', instance: 'vc-1.example' };
const upsert = (
  vmId: string,
  time: string,
  extra: Partial<Extract<FleetEvent, { type: 'vm.upsert' }>> = {},
): FleetEvent => ({
  id: `u-${vmId}-${time}`,
  time,
  type: 'vm.upsert',
  scope: vc,
  vm: { id: vmId, name: vmId },
  ...extra,
});
const inventory = (time: string, vms: string[]): FleetEvent => ({
  id: `inv-${time}`,
  time,
  type: 'inventory.snapshot',
  snapshot: { scope: vc, vms },
});

async function items(store: DynamoStore): Promise<{ pk: string; sk: string }[]> {
  const scan = await createDynamoClient({ endpoint: stores.server.endpoint }).send(
    new ScanCommand({ TableName: store.tableName }),
  );
  return (scan.Items ?? []).map((i) => ({ pk: i.pk!.S!, sk: i.sk!.S! }));
}

/** What DynamoDB's TTL does once the retention has passed: every event item goes, snapshots stay. */
async function expireEvents(store: DynamoStore): Promise<void> {
  const client = createDynamoClient({ endpoint: stores.server.endpoint });
  for (const { pk, sk } of await items(store)) {
    if (sk.startsWith('EV#'))
      await client.send(new DeleteItemCommand({ TableName: store.tableName, Key: { pk: { S: pk }, sk: { S: sk } } }));
  }
}

describe('full snapshots in the DynamoDB store (dynalite)', () => {
  it('stores an inventory snapshot once, in its scope partition, and applies it to every VM of the scope on read', async () => {
    const store = await stores.open();
    const result = await store.putEvents([
      upsert('vm-1', '2025-03-01T00:00:00Z'),
      upsert('vm-2', '2025-03-01T00:00:00Z'),
      inventory('2025-03-02T00:00:00Z', ['vm-1']),
    ]);
    expect(result.subjects).toContainEqual({ kind: 'scope', id: 'vcenter/vc-1.example' });
    expect((await items(store)).filter((i) => i.pk.startsWith('SCOPE#'))).toHaveLength(1);
    expect([...(await store.loadFleet()).vms.keys()]).toEqual(['vm-1']);
  });

  it('replaces the fields a complete upsert covers, also after its events are compacted and expired', async () => {
    const store = await stores.open();
    await store.putEvents([
      upsert('vm-1', '2025-03-01T00:00:00Z', { vm: { id: 'vm-1', settings: { a: 1, b: 2 }, labels: { env: 'prod' } } }),
    ]);
    await store.putEvents([
      upsert('vm-1', '2025-03-02T00:00:00Z', {
        complete: { fields: ['settings'] },
        vm: { id: 'vm-1', settings: { a: 1 } },
      }),
    ]);
    await store.compact();
    await expireEvents(store);
    // A late write of the dropped key, older than the complete upsert, must still lose to it.
    await store.putEvents([upsert('vm-1', '2025-03-01T12:00:00Z', { vm: { id: 'vm-1', settings: { b: 3 } } })]);
    expect((await store.loadFleet()).vms.get('vm-1')).toMatchObject({ settings: { a: 1 }, labels: { env: 'prod' } });
  });

  it('bakes an inventory removal into the entity snapshot before the inventory expires, and never snapshots the scope itself', async () => {
    // A clock that moves an hour per read, so each compaction covers everything stored before it.
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = await stores.open({ now: () => (clock += 3_600_000) });
    await store.putEvents([upsert('vm-1', '2025-03-01T00:00:00Z'), upsert('vm-2', '2025-03-01T00:00:00Z')]);
    expect(await store.compact()).toMatchObject({ snapshotsWritten: 2 });
    // Neither VM has an uncovered event now; the inventory alone makes vm-2 (and only vm-2) due.
    await store.putEvents([inventory('2025-03-02T00:00:00Z', ['vm-1'])]);
    const compaction = await store.compact();
    expect(compaction.entities).toBe(2);
    expect(compaction.snapshotsWritten).toBe(1);
    expect((await items(store)).filter((i) => i.pk.startsWith('SCOPE#') && i.sk === 'STATE')).toEqual([]);
    await expireEvents(store);
    expect([...(await store.loadFleet()).vms.keys()]).toEqual(['vm-1']);
    // As if removed at the inventory's time: an older upsert does not bring it back, a newer one does.
    await store.putEvents([upsert('vm-2', '2025-03-01T12:00:00Z')]);
    expect((await store.loadFleet()).vms.has('vm-2')).toBe(false);
    await store.putEvents([upsert('vm-2', '2025-03-03T00:00:00Z')]);
    expect((await store.loadFleet()).vms.has('vm-2')).toBe(true);
  });
});
