import { BatchWriteItemCommand, type DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStep } from '../../src/app/start-run';
import { fleetToJson } from '../../src/model/fleet';
import { DynamoStore } from '../../src/store/dynamo-store';
import { EVENT_SK_PREFIX, eventKey } from '../../src/store/items';
import { MemoryStore } from '../../src/store/memory-store';
import { fleetEvents } from './helpers/fleet-fixture';
import { startLocalTable, stopLocalTable, type LocalTable } from './helpers/local-table';
import { memoryS3 } from './helpers/memory-s3';
import { fixedClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';

const BUCKET = 'hyperaudit-reports-compaction';
const clock = fixedClock('2026-11-26T06:00:00.000Z');
const s3 = memoryS3();
let table: LocalTable;

beforeAll(async () => {
  table = await startLocalTable();
});
afterAll(async () => {
  s3.mock.restore();
  await stopLocalTable(table);
});

/** What DynamoDB's TTL does to event items once they expire: deletes them. */
async function expireEveryEvent(client: DynamoDBClient, tableName: string): Promise<number> {
  const keys: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? [])
      if (item.sk?.S?.startsWith(EVENT_SK_PREFIX)) keys.push({ pk: item.pk!, sk: item.sk! });
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  for (let i = 0; i < keys.length; i += 25) {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
      }),
    );
  }
  return keys.length;
}

describe('compaction in the scheduled run', () => {
  it("snapshots every entity at the start of the audit step, so the state outlives its events' TTL", async () => {
    const events = fleetEvents();
    await table.store.putEvents(events);
    // The run happens later than the ingest: ten minutes is past the coverage margin (writes of the last
    // 5 minutes are left for the next compaction), as the next day's run would be.
    const store = new DynamoStore({
      client: table.client,
      tableName: table.tableName,
      now: () => Date.now() + 10 * 60_000,
    });
    const before = fleetToJson(await store.loadFleet());
    const entities = new Set(events.map((e) => eventKey(e).pk)).size;

    const out = await auditStep(
      { runId: 'compaction-run', trigger: 'schedule', scope: { kind: 'fleet' } },
      { store, s3: s3.client, bucket: BUCKET, clock, logger: quietLogger },
    );
    expect(out.compaction).toEqual({ entities, snapshotsWritten: entities });
    // Nothing is left uncovered: a second compaction has nothing to write.
    expect(await store.compact()).toEqual({ entities, snapshotsWritten: 0, newestEventAt: expect.any(String) });

    expect(await expireEveryEvent(table.client, table.tableName)).toBe(events.length);
    expect(fleetToJson(await store.loadFleet())).toEqual(before);
  });

  it('runs the audit step on a store without expiry (no compact method) and reports no compaction', async () => {
    const store = new MemoryStore();
    await store.putEvents(fleetEvents());
    const out = await auditStep(
      { runId: 'memory-run', trigger: 'schedule', scope: { kind: 'fleet' } },
      { store, s3: s3.client, bucket: BUCKET, clock, logger: quietLogger },
    );
    expect(out.hosts).toBe(4);
    expect(out).not.toHaveProperty('compaction');
  });
});
