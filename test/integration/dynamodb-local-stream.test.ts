import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateChanges } from '../../src/app/evaluate-changes';
import { loadRules } from '../../src/engine/load-rules';
import type { Finding } from '../../src/model/finding';
import { runAudit } from '../../src/app/audit';
import { STREAM_BATCH_SIZE } from '../../src/server/demo-run';
import { DynamoStore } from '../../src/store/dynamo-store';
import { MemoryStore } from '../../src/store/memory-store';
import { createTableInput } from '../../src/store/table';
import {
  credentials,
  dynamoDbLocalUnavailable,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../support/dynamodb-local';
import { fleetEvents } from '../functions/helpers/fleet-fixture';
import { asLambdaRecord, readStream } from '../support/dynamodb-stream';
import { fixedClock } from '../../src/model/ports/clock';

const unavailable = dynamoDbLocalUnavailable();
if (unavailable !== undefined) console.warn(`DynamoDB Local stream test skipped: ${unavailable}`);
const clock = fixedClock('2026-11-26T06:00:00.000Z');

const key = (f: Finding) => `${f.ruleId} ${f.resourceId} ${f.status} ${f.severity}`;

describe.skipIf(unavailable !== undefined)('DynamoDB Streams from DynamoDB Local, through the evaluate handler', () => {
  let ddb: DynamoDbLocal;
  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
  }, 180_000);
  afterAll(async () => {
    await ddb?.stop();
  });

  it('gives the findings of a full audit from the INSERT records DynamoDB Local emitted for the ingest', async () => {
    const rules = loadRules();
    // The stream view of infra/constructs/fleet-table.ts.
    await ddb.client.send(
      new CreateTableCommand({
        ...createTableInput('hyperaudit'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const store = new DynamoStore({ client: ddb.client, tableName: 'hyperaudit' });
    const events = fleetEvents();
    expect((await store.putEvents(events)).written).toBe(events.length);

    const streamArn = (await ddb.client.send(new DescribeTableCommand({ TableName: 'hyperaudit' }))).Table
      ?.LatestStreamArn;
    expect(streamArn).toBeDefined();
    const streams = new DynamoDBStreamsClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials });
    try {
      const records = (await readStream(streams, streamArn!)).map((r) => asLambdaRecord(r, streamArn!));
      const inserts = records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.sk?.S?.startsWith('EV#'));
      expect(inserts).toHaveLength(events.length);
      for (let i = 0; i < records.length; i += STREAM_BATCH_SIZE) {
        await evaluateChanges(records.slice(i, i + STREAM_BATCH_SIZE), { store, rules, clock });
      }
    } finally {
      streams.destroy();
    }
    const fromStream = (await store.listFindings()).map(key).sort();

    const reference = new MemoryStore();
    await reference.putEvents(events);
    await runAudit({ store: reference, clock: fixedClock(clock.now().toISOString()) }, { rules, full: true });
    const full = (await reference.listFindings()).map(key).sort();
    expect(fromStream.length).toBeGreaterThan(0);
    expect(fromStream).toEqual(full);
  }, 180_000);
});
