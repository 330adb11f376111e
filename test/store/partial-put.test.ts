import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { UnprocessedItemsError } from '../../src/store/batch';
import { DynamoStore } from '../../src/store/dynamo-store';
import { PartialPutError } from '../../src/store/partial-put-error';

const ddb = mockClient(DynamoDBClient);
const fastRetry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
const store = (writeConcurrency: number) =>
  new DynamoStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: 't',
    retry: fastRetry,
    snapshotEvery: 0,
    writeConcurrency,
  });

const upsert = (n: number): FleetEvent => ({
  id: `ev-${n}`,
  time: '2025-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: `vm-${n}` },
});
const invalid = () =>
  Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
});
afterEach(() => ddb.reset());

describe('putEvents failing part-way', () => {
  it('throws PartialPutError naming the events of the chunks written before a chunk failed, and starts no chunk after it', async () => {
    ddb.on(BatchWriteItemCommand).resolvesOnce({}).rejects(invalid());
    const events = Array.from({ length: 60 }, (_, i) => upsert(i));
    const err = (await store(1)
      .putEvents([...events, events[0]!])
      .catch((e: unknown) => e)) as PartialPutError;
    expect(err).toBeInstanceOf(PartialPutError);
    expect(err.written.map((e) => e.id)).toEqual(events.slice(0, 25).map((e) => e.id));
    expect(err.result).toMatchObject({ written: 25, duplicates: 1 });
    expect(err.result.subjects).toHaveLength(25);
    expect((err.cause as Error).name).toBe('ValidationException');
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(2);
  });

  it('waits for chunks already in flight before throwing, and counts them as written', async () => {
    let call = 0;
    ddb.on(BatchWriteItemCommand).callsFake(async () => {
      const mine = ++call;
      if (mine === 1) throw invalid();
      await new Promise((ok) => setTimeout(ok, 20));
      return {};
    });
    const err = (await store(2)
      .putEvents(Array.from({ length: 50 }, (_, i) => upsert(i)))
      .catch((e: unknown) => e)) as PartialPutError;
    expect(err).toBeInstanceOf(PartialPutError);
    expect(err.written.map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => `ev-${i + 25}`));
  });

  it('names as written the part of a chunk DynamoDB processed before the retry budget ran out', async () => {
    ddb.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => ({
      UnprocessedItems: { t: input.RequestItems.t!.filter((r) => r.PutRequest!.Item!.sk!.S!.endsWith('#ev-2')) },
    }));
    const err = (await store(1)
      .putEvents([upsert(1), upsert(2), upsert(3)])
      .catch((e: unknown) => e)) as PartialPutError;
    expect(err).toBeInstanceOf(PartialPutError);
    expect(err.cause).toBeInstanceOf(UnprocessedItemsError);
    expect(err.written.map((e) => e.id)).toEqual(['ev-1', 'ev-3']);
  });
});
