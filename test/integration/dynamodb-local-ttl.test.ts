import { fixedClock } from '../../src/model/ports/clock';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ScanCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/app/audit';
import { changedSubjects } from '../../src/app/changed-subjects';
import { loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { DynamoStore } from '../../src/store/dynamo-store';
import { EVENT_SK_PREFIX } from '../../src/store/items';
import { ensureTable } from '../../src/store/open-store';
import { TABLE } from '../../src/store/table';
import { fleetEvents } from '../functions/helpers/fleet-fixture';
import { asLambdaRecord, readStream } from '../support/dynamodb-stream';
import {
  credentials,
  dynamoDbLocalUnavailable,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../support/dynamodb-local';

/**
 * TTL on AWS's DynamoDB Local, which (unlike dynalite) enables it and deletes expired items itself, a few seconds
 * after they expire by the real clock, and puts a REMOVE record for each on the table's stream.
 * What this pins: the table the store creates has TTL on the attribute the event items carry; expiry removes event
 * history only, the compacted snapshots keep the fleet and its findings; and the REMOVE records the expiry puts on
 * the stream are not changes (the evaluate function would otherwise re-audit, or worse, drop, every expired entity).
 */
const unavailable = dynamoDbLocalUnavailable();
if (unavailable !== undefined) console.warn(`DynamoDB Local TTL test skipped: ${unavailable}`);

const TABLE_NAME = 'hyperaudit-ttl';
/** The fixture's events are from 2026-11-20: a store whose clock reads a day later, keeping history one day, writes
 * items that expired days ago by the real clock DynamoDB Local's TTL uses. */
const STORE_NOW = Date.parse('2026-11-21T00:00:00.000Z');
const key = (f: Finding) => `${f.ruleId} ${f.resourceId} ${f.status} ${f.severity}`;

async function scanEventItems(ddb: DynamoDbLocal): Promise<number> {
  const out = await ddb.client.send(new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true }));
  return (out.Items ?? []).filter((i) => i[TABLE.sortKey]?.S?.startsWith(EVENT_SK_PREFIX)).length;
}

async function streamRecords(ddb: DynamoDbLocal): Promise<DynamoDBRecord[]> {
  const arn = (await ddb.client.send(new DescribeTableCommand({ TableName: TABLE_NAME }))).Table?.LatestStreamArn;
  if (arn === undefined) throw new Error('the table has no stream');
  const streams = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials });
  try {
    return (await readStream(streams, arn)).map((r) => asLambdaRecord(r, arn));
  } finally {
    streams.destroy();
  }
}

describe.skipIf(unavailable !== undefined)('event history expiry (TTL) on DynamoDB Local', () => {
  let ddb: DynamoDbLocal;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
  }, 180_000);
  afterAll(async () => {
    await ddb?.stop();
  });

  it('expires event history only: snapshots keep the fleet and its findings, and expiry is not a change', async () => {
    // Without the cluster index: DynamoDB Local expires nothing in a table that has one (src/store/table.ts).
    await ensureTable(ddb.client, TABLE_NAME, { clusterIndex: false });
    const ttl = await ddb.client.send(new DescribeTimeToLiveCommand({ TableName: TABLE_NAME }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: TABLE.ttlAttribute });
    // The stream of infra/constructs/fleet-table.ts, so the expiry's REMOVE records can be read back.
    await ddb.client.send(
      new UpdateTableCommand({
        TableName: TABLE_NAME,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );

    const rules = loadRules();
    const auditAt = new Date(STORE_NOW).toISOString();
    const store = new DynamoStore({
      client: ddb.client,
      tableName: TABLE_NAME,
      eventRetentionDays: 1,
      now: () => STORE_NOW,
    });
    const events = fleetEvents();
    expect((await store.putEvents(events)).written).toBe(events.length);
    await store.compact();
    const fleetBefore = await store.loadFleet();
    await runAudit({ store, clock: fixedClock(auditAt) }, { rules, full: true });
    const findingsBefore = (await store.listFindings()).map(key).sort();
    expect(findingsBefore.length).toBeGreaterThan(0);

    // DynamoDB Local's TTL sweeps every few seconds; a loaded machine may take longer.
    for (let waited = 0; (await scanEventItems(ddb)) > 0; waited += 1) {
      if (waited > 120) throw new Error('DynamoDB Local did not expire the event items within 2 minutes');
      await new Promise((r) => setTimeout(r, 1000));
    }

    const removes = (await streamRecords(ddb)).filter(
      (r) => r.eventName === 'REMOVE' && r.dynamodb?.Keys?.sk?.S?.startsWith(EVENT_SK_PREFIX),
    );
    expect(removes).toHaveLength(events.length);
    expect(changedSubjects(removes)).toEqual([]);
    // AWS marks a TTL deletion with the service principal; DynamoDB Local leaves userIdentity out, so nothing may
    // depend on it: the records are ignored either way.
    const asAws = removes.map((r) => ({
      ...r,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    }));
    expect(changedSubjects(asAws)).toEqual([]);

    expect(await store.loadFleet()).toEqual(fleetBefore);
    await runAudit({ store, clock: fixedClock(auditAt) }, { rules, full: true });
    expect((await store.listFindings()).map(key).sort()).toEqual(findingsBefore);
  }, 300_000);
});
