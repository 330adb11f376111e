import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { applyEvent, emptyState } from '../../src/model/entity-state';
import { UnprocessedItemsError } from '../../src/store/batch';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventItem, eventKey, snapshotItem } from '../../src/store/items';

const ddb = mockClient(DynamoDBClient);
const fastRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };
const NOW = Date.parse('2025-06-01T00:00:00Z');

function store(extra: Partial<ConstructorParameters<typeof DynamoStore>[0]> = {}) {
  return new DynamoStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: 't',
    retry: fastRetry,
    now: () => NOW,
    snapshotEvery: 0,
    ...extra,
  });
}

const vmUpsert = (n: number, extra: Partial<{ name: string; time: string }> = {}): FleetEvent => ({
  id: `ev-${n}`,
  time: extra.time ?? `2025-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`,
  type: 'vm.upsert',
  vm: { id: `vm-${n % 7}`, name: extra.name ?? `name-${n}` },
});

const written = (requests: WriteRequest[] | undefined) => (requests ?? []).map((r) => r.PutRequest!.Item!.sk!.S!);
const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

beforeEach(() => {
  ddb.reset();
  ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [] } });
  ddb.on(BatchWriteItemCommand).resolves({});
});
afterEach(() => ddb.reset());

describe('DynamoStore.putEvents', () => {
  it('writes every new event once, in BatchWriteItem requests of at most 25', async () => {
    const events = Array.from({ length: 60 }, (_, i) => vmUpsert(i));
    const result = await store().putEvents(events);
    expect(result).toMatchObject({ written: 60, duplicates: 0 });
    const calls = ddb.commandCalls(BatchWriteItemCommand);
    expect(calls.map((c) => c.args[0].input.RequestItems!.t!.length)).toEqual([25, 25, 10]);
    expect(new Set(calls.flatMap((c) => written(c.args[0].input.RequestItems!.t))).size).toBe(60);
  });

  it('retries UnprocessedItems until every item is written', async () => {
    const events = Array.from({ length: 3 }, (_, i) => vmUpsert(i));
    let round = 0;
    ddb.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => {
      round++;
      // Hand back all but the first item twice, as DynamoDB does under partition throttling.
      return round <= 2 ? { UnprocessedItems: { t: input.RequestItems.t!.slice(1) } } : {};
    });
    const s = store();
    const result = await s.putEvents(events);
    expect(result.written).toBe(3);
    const calls = ddb.commandCalls(BatchWriteItemCommand).map((c) => written(c.args[0].input.RequestItems!.t).length);
    expect(calls).toEqual([3, 2, 1]);
    expect(s.stats.itemsWritten).toBe(3);
  });

  it('gives up after the retry budget with an error naming the items not written', async () => {
    ddb.on(BatchWriteItemCommand).callsFake((input: { RequestItems: Record<string, WriteRequest[]> }) => ({
      UnprocessedItems: input.RequestItems,
    }));
    const err = await store()
      .putEvents([vmUpsert(1)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessedItemsError);
    expect((err as UnprocessedItemsError).keys).toEqual([eventKey(vmUpsert(1))]);
    expect((err as Error).message).toContain('VM#vm-1');
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(fastRetry.maxAttempts);
  });

  it('retries a throttled request and then stores the batch', async () => {
    ddb.on(BatchWriteItemCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});
    const result = await store().putEvents([vmUpsert(1), vmUpsert(2)]);
    expect(result.written).toBe(2);
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(3);
  });

  it('retries a request that timed out', async () => {
    const timeout = Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
    ddb
      .on(BatchGetItemCommand)
      .rejectsOnce(timeout)
      .resolves({ Responses: { t: [] } });
    expect((await store().putEvents([vmUpsert(1)])).written).toBe(1);
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(2);
  });

  it('does not retry an error that is not transient', async () => {
    const invalid = Object.assign(new Error('bad key'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    ddb.on(BatchWriteItemCommand).rejects(invalid);
    await expect(store().putEvents([vmUpsert(1)])).rejects.toThrow('bad key');
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(1);
  });

  it('gives up on throttling after the retry budget', async () => {
    ddb.on(BatchWriteItemCommand).rejects(throttled());
    await expect(store().putEvents([vmUpsert(1)])).rejects.toThrow('slow down');
    expect(ddb.commandCalls(BatchWriteItemCommand)).toHaveLength(fastRetry.maxAttempts);
  });

  it('counts events already stored as duplicates and does not write them again', async () => {
    const stored = vmUpsert(1);
    const key = eventKey(stored);
    ddb.on(BatchGetItemCommand).resolves({ Responses: { t: [{ pk: { S: key.pk }, sk: { S: key.sk } }] } });
    const result = await store().putEvents([stored, vmUpsert(2)]);
    expect(result).toMatchObject({ written: 1, duplicates: 1 });
    expect(written(ddb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input.RequestItems!.t)).toEqual([
      eventKey(vmUpsert(2)).sk,
    ]);
  });

  it('counts a repeated event within one batch as a duplicate', async () => {
    const result = await store().putEvents([vmUpsert(1), vmUpsert(1), vmUpsert(1)]);
    expect(result).toMatchObject({ written: 1, duplicates: 2 });
    expect(ddb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input.RequestItems!.t).toHaveLength(1);
  });

  it('retries UnprocessedKeys of the duplicate check', async () => {
    const a = eventKey(vmUpsert(1));
    const b = eventKey(vmUpsert(2));
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { t: [] }, UnprocessedKeys: { t: { Keys: [{ pk: { S: b.pk }, sk: { S: b.sk } }] } } })
      .resolves({ Responses: { t: [{ pk: { S: b.pk }, sk: { S: b.sk } }] } });
    const result = await store().putEvents([vmUpsert(1), vmUpsert(2)]);
    expect(result).toMatchObject({ written: 1, duplicates: 1 });
    expect(written(ddb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input.RequestItems!.t)).toEqual([a.sk]);
  });

  it('rewrites an expired event the TTL has not yet deleted, renewing its expiry', async () => {
    const key = eventKey(vmUpsert(1));
    const past = String(Math.floor(NOW / 1000) - 10);
    ddb
      .on(BatchGetItemCommand)
      .resolves({ Responses: { t: [{ pk: { S: key.pk }, sk: { S: key.sk }, expiresAt: { N: past } }] } });
    const result = await store({ eventRetentionDays: 1 }).putEvents([vmUpsert(1)]);
    expect(result).toMatchObject({ written: 1, duplicates: 0 });
    const item = ddb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input.RequestItems!.t![0]!.PutRequest!.Item!;
    expect(Number(item.expiresAt!.N)).toBe(Math.floor(NOW / 1000) + 86_400);
  });

  it('keys events by entity and UTC event time, whatever offset the source used', () => {
    const key = eventKey({
      id: 'x',
      time: '2025-01-01T02:00:00.5+02:00',
      type: 'host.connected',
      host: { id: 'esx-1' },
    });
    expect(key).toEqual({ pk: 'HOST#esx-1', sk: 'EV#2025-01-01T00:00:00.500Z#x' });
  });
});

describe('DynamoStore reads', () => {
  const item = (e: FleetEvent) => eventItem(e, JSON.stringify(e), eventKey(e), NOW, Math.floor(NOW / 1000) + 1000);

  it('follows Scan pagination in every segment', async () => {
    const first = vmUpsert(1, { name: 'old', time: '2025-01-01T00:00:00Z' });
    const second = vmUpsert(8, { name: 'new', time: '2025-01-02T00:00:00Z' }); // same VM (8 % 7 = 1)
    ddb
      .on(ScanCommand, { Segment: 0 })
      .resolvesOnce({ Items: [item(second)], LastEvaluatedKey: { pk: { S: 'x' }, sk: { S: 'y' } } })
      .resolves({ Items: [item(first)] });
    ddb.on(ScanCommand, { Segment: 1 }).resolves({ Items: [] });
    const fleet = await store({ scanSegments: 2 }).loadFleet();
    expect(fleet.vms.get('vm-1')?.name).toBe('new');
    const seg0 = ddb.commandCalls(ScanCommand).filter((c) => c.args[0].input.Segment === 0);
    expect(seg0).toHaveLength(2);
    expect(seg0[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: { S: 'x' }, sk: { S: 'y' } });
  });

  it('leaves expired events out of the history', async () => {
    const live = vmUpsert(1);
    const gone = eventItem(
      vmUpsert(2),
      JSON.stringify(vmUpsert(2)),
      eventKey(vmUpsert(2)),
      0,
      Math.floor(NOW / 1000) - 1,
    );
    ddb.on(ScanCommand).resolves({ Items: [item(live), gone] });
    const ids: string[] = [];
    for await (const e of store({ scanSegments: 1 }).readHistory()) ids.push(e.id);
    expect(ids).toEqual(['ev-1']);
  });
});

describe('DynamoStore snapshots', () => {
  const pk = 'VM#vm-1';
  const snapshot = (name: string, version: number, time: string) => {
    const state = applyEvent(emptyState('vm', 'vm-1'), {
      id: `s${version}`,
      time,
      type: 'vm.upsert',
      vm: { id: 'vm-1', name },
    });
    return snapshotItem(pk, state, version, 0);
  };

  it('re-reads and merges again when another writer updated the snapshot first', async () => {
    const event: FleetEvent = { id: 'e1', time: '2025-01-03T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-1' } };
    ddb.on(QueryCommand).resolves({ Items: [eventItem(event, JSON.stringify(event), eventKey(event), NOW, 0)] });
    ddb
      .on(GetItemCommand)
      .resolvesOnce({ Item: snapshot('one', 1, '2025-01-01T00:00:00Z') })
      .resolves({ Item: snapshot('two', 2, '2025-01-02T00:00:00Z') });
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'version moved', $metadata: {} }))
      .resolves({});
    await store().compactEntity(pk);
    const puts = ddb.commandCalls(PutItemCommand);
    expect(puts).toHaveLength(2);
    expect(puts[0]!.args[0].input.ExpressionAttributeValues).toEqual({ ':v': { N: '1' } });
    const final = puts[1]!.args[0].input;
    expect(final.ExpressionAttributeValues).toEqual({ ':v': { N: '2' } });
    const state = JSON.parse((final.Item!.s as AttributeValue.SMember).S) as { fields: Record<string, { v: unknown }> };
    expect(state.fields.name?.v).toBe('two');
    expect(state.fields.powerState?.v).toBe('poweredOn');
    expect(final.Item!.v).toEqual({ N: '3' });
  });

  it('creates the first snapshot only if none exists', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    await store().compactEntity(pk);
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('refreshes the snapshot of an entity once it received snapshotEvery events', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    const s = store({ snapshotEvery: 3 });
    await s.putEvents([vmUpsert(0), vmUpsert(7)]); // vm-0 twice
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    await s.putEvents([vmUpsert(14)]);
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues)).toEqual([
      { ':pk': { S: 'VM#vm-0' } },
    ]);
  });
});

describe('DynamoStore outbox', () => {
  it('keeps a waiting message as it is when it is enqueued again', async () => {
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(
      store().enqueueOutbox([
        { id: 'm1', createdAt: '2025-01-01T00:00:00Z', payload: { text: 'x' }, fingerprints: ['f'] },
      ]),
    ).resolves.toBeUndefined();
    expect(ddb.commandCalls(PutItemCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});
