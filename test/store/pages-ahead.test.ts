import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { DynamoStore } from '../../src/store/dynamo-store';
import { eventItem, eventKey, jsonItem, META_PK } from '../../src/store/items';

const ddb = mockClient(DynamoDBClient);
const NOW = Date.parse('2025-06-01T00:00:00Z');

function store(options: { maxAttempts?: number; scanSegments?: number } = {}) {
  return new DynamoStore({
    client: new DynamoDBClient({ region: 'local' }),
    tableName: 't',
    retry: { maxAttempts: options.maxAttempts ?? 1, baseDelayMs: 1, maxDelayMs: 2 },
    now: () => NOW,
    snapshotEvery: 0,
    scanSegments: options.scanSegments ?? 1,
  });
}

const throttled = () => Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
/** Long enough for the store's retry loop (1-2 ms apart) to have sent every attempt it had left. */
const settle = () => new Promise((ok) => setTimeout(ok, 50));

const upsert = (n: number): FleetEvent => ({
  id: `ev-${n}`,
  time: '2025-01-01T00:00:00Z',
  type: 'vm.upsert',
  vm: { id: `vm-${n}`, name: `web-${n}` },
});
const eventRow = (n: number) =>
  eventItem(upsert(n), JSON.stringify(upsert(n)), eventKey(upsert(n)), NOW, 2_000_000_000);

/** Whether `text` had been handed to JSON.parse (a page's items are parsed when the reader takes them). */
function parsed(spy: { mock: { calls: unknown[][] } }, text: string): boolean {
  return spy.mock.calls.some(([arg]) => arg === text);
}

beforeEach(() => ddb.reset());
afterEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

describe('paginated reads ask for the next page before reading the current one', () => {
  it('Scan: page 2 is requested before page 1 is folded, and the fleet is the same', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    let page1ReadWhenPage2Asked: boolean | undefined;
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [eventRow(1)], LastEvaluatedKey: eventKey(upsert(1)) as never })
      .callsFakeOnce(async () => {
        page1ReadWhenPage2Asked = parsed(parse, JSON.stringify(upsert(1)));
        return { Items: [eventRow(2)] };
      });
    const fleet = await store().loadFleet();
    expect(page1ReadWhenPage2Asked).toBe(false);
    expect([...fleet.vms.keys()].sort()).toEqual(['vm-1', 'vm-2']);
    expect(ddb.commandCalls(ScanCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual(eventKey(upsert(1)));
  });

  it('Query: page 2 is requested before page 1 is read, items keep their order', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    let page1ReadWhenPage2Asked: boolean | undefined;
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [jsonItem(META_PK, 'k/1', { n: 1 })], LastEvaluatedKey: { pk: { S: META_PK } } })
      .callsFakeOnce(async () => {
        page1ReadWhenPage2Asked = parsed(parse, '{"n":1}');
        return { Items: [jsonItem(META_PK, 'k/2', { n: 2 })] };
      });
    expect(await store().listMeta('k/')).toEqual([
      { key: 'k/1', value: { n: 1 } },
      { key: 'k/2', value: { n: 2 } },
    ]);
    expect(page1ReadWhenPage2Asked).toBe(false);
  });

  it('a bounded Query asks only for what is still missing, and nothing once it has enough', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [jsonItem(META_PK, 'k/9', 9), jsonItem(META_PK, 'k/8', 8)],
        LastEvaluatedKey: { pk: { S: META_PK } },
      })
      .resolvesOnce({ Items: [jsonItem(META_PK, 'k/7', 7)], LastEvaluatedKey: { pk: { S: META_PK } } });
    const newest = await store().listMeta('k/', { newest: 3 });
    expect(newest.map((m) => m.value)).toEqual([7, 8, 9]);
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.Limit)).toEqual([3, 1]);
  });

  it("a reader's error is the one reported, and a failing page asked for ahead is no unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      ddb
        .on(QueryCommand)
        .resolvesOnce({
          Items: [{ pk: { S: META_PK }, sk: { S: 'k/1' }, j: { S: '{not json' } }],
          LastEvaluatedKey: { pk: { S: META_PK } },
        })
        .rejectsOnce(new Error('page 2 failed'));
      await expect(store().listMeta('k/')).rejects.toThrow(SyntaxError);
      await new Promise((ok) => setTimeout(ok, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a failing next page fails the read', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({ Items: [eventRow(1)], LastEvaluatedKey: eventKey(upsert(1)) as never })
      .rejectsOnce(new Error('page 2 failed'));
    await expect(store().loadFleet()).rejects.toThrow('page 2 failed');
  });

  it('a Query whose reader failed sends no further attempt of the page it asked for ahead', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ pk: { S: META_PK }, sk: { S: 'k/1' }, j: { S: '{not json' } }],
        LastEvaluatedKey: { pk: { S: META_PK } },
      })
      .rejects(throttled());
    await expect(store({ maxAttempts: 5 }).listMeta('k/')).rejects.toThrow(SyntaxError);
    await settle();
    // Page 1 and the one attempt at page 2 already on its way when the reader threw; no retries of a page nobody reads.
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('a Scan whose reader failed sends no further attempt of the page it asked for ahead', async () => {
    ddb
      .on(ScanCommand)
      .resolvesOnce({
        // The damaged event's partition ends within the page (the next item is another VM's), so its text is read
        // there, while the page asked for ahead is in flight.
        Items: [{ ...eventRow(1), e: { S: '{not json' } }, eventRow(2)],
        LastEvaluatedKey: eventKey(upsert(2)) as never,
      })
      .rejects(throttled());
    await expect(store({ maxAttempts: 5 }).loadFleet()).rejects.toThrow(/its e attribute is not JSON/);
    await settle();
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(2);
  });

  it("a Scan segment's failure stops the other segments' paging", async () => {
    let segment1Pages = 0;
    ddb.on(ScanCommand).callsFake(async (input: { Segment?: number }) => {
      if (input.Segment === 0) throw new Error('segment 0 failed');
      segment1Pages++;
      await new Promise((ok) => setTimeout(ok, 1));
      return { Items: [], LastEvaluatedKey: eventKey(upsert(segment1Pages)) as never };
    });
    await expect(store({ scanSegments: 2 }).loadFleet()).rejects.toThrow('segment 0 failed');
    const pagesWhenFailed = segment1Pages;
    await settle();
    expect(segment1Pages).toBeLessThanOrEqual(pagesWhenFailed + 1);
  });
});
