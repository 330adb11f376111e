import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventItem, eventKey } from '../../src/store/items';

const ddb = mockClient(DynamoDBClient);
const NOW = Date.parse('2025-06-01T00:00:00Z');
const fastRetry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

const store = (extra: Partial<ConstructorParameters<typeof DynamoStore>[0]> = {}) =>
  new DynamoStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: 't',
    retry: fastRetry,
    now: () => NOW,
    scanSegments: 1,
    snapshotEvery: 0,
    ...extra,
  });

const upsert = (vm: string): FleetEvent => ({
  id: `e-${vm}`,
  time: '2025-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: vm, name: vm },
});
const stored = (e: FleetEvent) =>
  eventItem(e, JSON.stringify(e), eventKey(e), NOW - 3_600_000, Math.floor(NOW / 1000) + 1000);
const accessDenied = () => Object.assign(new Error('not authorised to write STATE'), { name: 'AccessDeniedException' });

/** PutItem fails (not retryably) for the snapshot of `failingPk`, succeeds for the others. */
function failSnapshotOf(failingPk: string) {
  ddb.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    if (input.Item?.pk?.S === failingPk) throw accessDenied();
    return {};
  });
}

beforeEach(() => {
  ddb.reset();
  ddb.on(GetItemCommand).resolves({});
  ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
  ddb.on(BatchWriteItemCommand).resolves({});
});
afterEach(() => ddb.reset());

describe('compaction faults', () => {
  it('compacts the other entities when one snapshot write fails, and returns that entity with its error', async () => {
    ddb.on(ScanCommand).resolves({ Items: ['vm-1', 'vm-2', 'vm-3'].map((vm) => stored(upsert(vm))) });
    failSnapshotOf('VM#vm-2');
    const result = await store({ writeConcurrency: 1 }).compact();
    expect(result).toEqual({
      entities: 3,
      snapshotsWritten: 2,
      failed: [{ kind: 'vm', id: 'vm-2', error: 'not authorised to write STATE' }],
      newestEventAt: expect.any(String),
    });
    // Besides the snapshots, the first snapshot in a shard lists that shard in the registry (pk SHARDS).
    const written = ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item!.pk!.S);
    expect(written.filter((pk) => pk !== 'SHARDS').sort()).toEqual(['VM#vm-1', 'VM#vm-2', 'VM#vm-3']);
  });

  it('resolves putEvents for events it stored even when the snapshot refresh after them fails', async () => {
    ddb.on(QueryCommand).resolves({ Items: [stored(upsert('vm-1'))] });
    failSnapshotOf('VM#vm-1');
    const s = store({ snapshotEvery: 1 });
    await expect(s.putEvents([upsert('vm-1')])).resolves.toMatchObject({
      written: 1,
      duplicates: 0,
      subjects: [{ kind: 'vm', id: 'vm-1' }],
    });
    expect(s.stats).toMatchObject({ snapshotsWritten: 0, snapshotsSkipped: 1 });
  });

  it('never sends a snapshot over the item limit', async () => {
    const settings = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, '1']));
    const wide: FleetEvent = {
      id: 'wide',
      time: '2025-01-01T00:00:00Z',
      type: 'vm.upsert',
      vm: { id: 'vm-wide', settings },
    };
    ddb.on(QueryCommand).resolves({ Items: [stored(wide)] });
    ddb.on(PutItemCommand).resolves({});
    await expect(store().compactEntity('VM#vm-wide')).resolves.toMatchObject({ written: false });
    expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
  });
});
