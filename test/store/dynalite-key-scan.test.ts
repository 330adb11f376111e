import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { eventItem, eventKey } from '../../src/store/items';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Item = Record<string, AttributeValue>;

/**
 * The embedded store answers a Scan whose filter reads only key attributes from the keys (src/store/dynalite-key-scan.cjs).
 * Each case compares its pages with dynalite's own answer to the same filter spelled with a clause on a non-key
 * attribute that is always true (`attribute_not_exists(#none)`), which dynalite's own scan answers.
 */
// In memory (memory-level, as tests' stores) and on disk (classic-level, as the CLI's store): their iterators seek apart.
describe.each([
  ['in memory', false],
  ['on disk', true],
])("the embedded store's Scan by key filter, %s", (_, onDisk) => {
  let server: LocalServer;
  let client: DynamoDBClient;
  let dataDir: string | undefined;
  const table = 'key-scan';
  const items: Item[] = [];

  beforeAll(async () => {
    dataDir = onDisk ? mkdtempSync(join(tmpdir(), 'key-scan-')) : undefined;
    server = await startLocalServer({ mode: 'in-process', ...(dataDir !== undefined && { dataDir }) });
    client = createDynamoClient({ endpoint: server.endpoint });
    await ensureTable(client, table);
    // Entity partitions with several items each, between big findings-like partitions the fleet read leaves out.
    for (let i = 0; i < 60; i++) {
      const pk = i % 3 === 0 ? `VM#vm-${i}` : i % 3 === 1 ? `FINDINGS#UNVERIFIED#C#c-${i}` : `HOST#h-${i}`;
      for (let j = 0; j < 7; j++)
        items.push({
          pk: { S: pk },
          sk: { S: j === 6 ? 'STATE' : `EV#2026-12-0${1 + (j % 5)}T00:00:00.000Z#e-${i}-${j}` },
          e: { S: JSON.stringify({ i, j, text: 'ü✓'.repeat(i % 3 === 1 ? 4000 : 20) }) },
          at: { N: String(1_700_000_000_000 + i * 10 + j) },
          ...(j % 2 === 0 && { z: { B: new Uint8Array([i, j, 255]) } }),
        });
    }
    for (let at = 0; at < items.length; at += 25)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Every page of a Scan: the pages' items, Count and ScannedCount summed, and how many pages it took. */
  async function scanAll(input: Omit<ConstructorParameters<typeof ScanCommand>[0], 'TableName'>) {
    const out: Item[] = [];
    let scanned = 0;
    let pages = 0;
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ ...input, TableName: table, ...(start && { ExclusiveStartKey: start }) }),
      );
      pages++;
      expect(page.Count).toBe(page.Items?.length ?? 0);
      if (input.Limit !== undefined) expect(page.Items?.length ?? 0).toBeLessThanOrEqual(input.Limit);
      out.push(...(page.Items ?? []));
      scanned += page.ScannedCount ?? 0;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return { items: out, scanned, pages };
  }

  const entityFilter = {
    FilterExpression: 'begins_with(pk, :vm) OR begins_with(pk, :host)',
    ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':host': { S: 'HOST#' } },
  };
  /** The same filter with a clause dynalite's own scan has to answer (`#none` is never stored). */
  function viaDynalite<T extends { FilterExpression: string; ExpressionAttributeNames?: Record<string, string> }>(
    input: T,
  ): T {
    return {
      ...input,
      FilterExpression: `(${input.FilterExpression}) AND attribute_not_exists(#none)`,
      ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#none': 'none' },
    };
  }

  it('returns the same items in the same order as dynalite, reading only the partitions a partition-key filter takes', async () => {
    for (const segments of [1, 4, 7]) {
      const read = async (input: typeof entityFilter) => {
        const all = { items: [] as Item[], scanned: 0 };
        for (let segment = 0; segment < segments; segment++) {
          const r = await scanAll({ ...input, ...(segments > 1 && { Segment: segment, TotalSegments: segments }) });
          all.items.push(...r.items);
          all.scanned += r.scanned;
        }
        return all;
      };
      const fast = await read(entityFilter);
      const own = await read(viaDynalite(entityFilter));
      expect(fast.items).toEqual(own.items);
      expect(fast.items).toHaveLength(40 * 7);
      // dynalite's own scan reads every item; the key scan only the 280 it returns.
      expect(own.scanned).toBe(items.length);
      expect(fast.scanned).toBe(280);
    }
  });

  it('projects the items it takes as dynalite does', async () => {
    const projected = {
      ...entityFilter,
      ProjectionExpression: '#pk, #sk, z',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    };
    const fast = await scanAll(projected);
    const own = await scanAll(viaDynalite(projected));
    expect(fast.items).toEqual(own.items);
    expect(fast.scanned).toBe(280);
    for (const item of fast.items) expect(Object.keys(item).sort()).toEqual(item.z ? ['pk', 'sk', 'z'] : ['pk', 'sk']);
  });

  it("projects split event items (`e` and `c`) as dynalite does, the simulation's projection leaving `c` out", async () => {
    const split = `${table}-split`;
    await ensureTable(client, split);
    const stored: Item[] = [];
    for (let i = 0; i < 120; i++) {
      const event: FleetEvent =
        i % 2 === 0
          ? {
              id: `v${i}`,
              time: '2026-12-01T00:00:00Z',
              type: 'vm.upsert',
              vm: { id: `vm-${i}`, settings: { 'sched.cpu.shares': 'x'.repeat(i * 150) }, hostId: 'h-1' },
            }
          : {
              id: `h${i}`,
              time: '2026-12-01T00:00:00Z',
              type: 'host.upsert',
              host: { id: `h-${i}`, cluster: 'c1', services: { ntpd: { running: true } } },
            };
      const item = eventItem(event, JSON.stringify(event), eventKey(event), 1_700_000_000_000, 2_000_000_000);
      // Every third as stored before the split: the whole event in `e`, no `c`.
      if (i % 3 === 0) {
        delete item.c;
        item.e = { S: JSON.stringify(event) };
      }
      stored.push(item);
    }
    for (let at = 0; at < stored.length; at += 25)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [split]: stored.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    // Spelled as src/store/dynamo-store.ts sends them: names as placeholders (`at` is a reserved word).
    const spelled = (names: string[]) => ({
      FilterExpression: 'begins_with(pk, :vm) OR begins_with(pk, :host)',
      ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':host': { S: 'HOST#' } },
      ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
    });
    const scanSplit = async (input: object) => {
      const out: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ ...input, TableName: split, ...(start && { ExclusiveStartKey: start }) }),
        );
        out.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return out;
    };
    try {
      for (const names of [
        ['pk', 'sk', 's', 'v', 'covered', 'e', 'c', 'expiresAt'],
        ['pk', 'sk', 's', 'v', 'covered', 'e', 'expiresAt'],
      ]) {
        const fast = await scanSplit(spelled(names));
        expect(fast).toEqual(await scanSplit(viaDynalite(spelled(names))));
        expect(fast).toHaveLength(120);
        expect(fast.filter((item) => item.c !== undefined)).toHaveLength(names.includes('c') ? 80 : 0);
      }
    } finally {
      await client.send(new DeleteTableCommand({ TableName: split }));
    }
  });

  it('resumes after any ExclusiveStartKey as dynalite does: mid-partition, at its last item, in a refused partition', async () => {
    // dynalite's own answer from a start key: the items its unfiltered scan gives after that key, filtered.
    const all = (await scanAll({})).items;
    const entity = (item: Item) => /^(VM|HOST)#/.test(item.pk!.S!);
    for (let at = 0; at < all.length; at += 2) {
      const fast = await scanAll({ ...entityFilter, ExclusiveStartKey: { pk: all[at]!.pk!, sk: all[at]!.sk! } });
      expect(fast.items).toEqual(all.slice(at + 1).filter(entity));
    }
  });

  it('cuts pages at 1 MB of items read, as dynalite does', async () => {
    const findings = {
      FilterExpression: 'begins_with(pk, :f)',
      ExpressionAttributeValues: { ':f': { S: 'FINDINGS#' } },
    };
    const fast = await scanAll(findings);
    const own = await scanAll(viaDynalite(findings));
    expect(fast.items).toEqual(own.items);
    // 140 items of about 24 KB: more than one page.
    expect(fast.pages).toBeGreaterThan(1);
  });

  it('decides a filter on the sort key item by item, without reading the items it refuses', async () => {
    const events = {
      FilterExpression: 'begins_with(sk, :ev) AND NOT begins_with(pk, :f)',
      ExpressionAttributeValues: { ':ev': { S: 'EV#' }, ':f': { S: 'FINDINGS#' } },
    };
    const fast = await scanAll(events);
    const own = await scanAll(viaDynalite(events));
    expect(fast.items).toEqual(own.items);
    expect(fast.items).toHaveLength(40 * 6);
    expect(fast.scanned).toBe(40 * 6);
  });

  it('leaves a filter on other attributes, and a Scan without a filter, to dynalite', async () => {
    const all = await scanAll({});
    expect(all.items).toHaveLength(items.length);
    expect(all.scanned).toBe(items.length);
    const withZ = await scanAll({ FilterExpression: 'attribute_exists(z)' });
    expect(withZ.items).toHaveLength(items.filter((i) => i.z).length);
    expect(withZ.scanned).toBe(items.length);
  });

  /** Each page's items and LastEvaluatedKey. */
  async function pagesOf(input: Omit<ConstructorParameters<typeof ScanCommand>[0], 'TableName'>) {
    const pages: { items: Item[]; last: Item | undefined }[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ ...input, TableName: table, ...(start && { ExclusiveStartKey: start }) }),
      );
      pages.push({ items: page.Items ?? [], last: page.LastEvaluatedKey });
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return pages;
  }

  it('counts (Select COUNT) as dynalite does, with key names given as placeholders, and answers an empty table', async () => {
    const named = {
      FilterExpression: 'begins_with(#k, :vm) AND NOT begins_with(#s, :state)',
      ExpressionAttributeNames: { '#k': 'pk', '#s': 'sk' },
      ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':state': { S: 'STATE' } },
    };
    /** Count summed over every page (dynalite's own pages end at 1 MB of items read, refused ones too). */
    const count = async (input: typeof named) => {
      let sum = 0;
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ ...input, TableName: table, Select: 'COUNT', ...(start && { ExclusiveStartKey: start }) }),
        );
        expect(page.Items).toBeUndefined();
        sum += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return sum;
    };
    expect(await count(named)).toBe(20 * 6);
    expect(await count(named)).toBe(await count(viaDynalite(named)));
    await ensureTable(client, `${table}-empty`);
    const empty = await client.send(new ScanCommand({ ...named, TableName: `${table}-empty` }));
    const own = await client.send(new ScanCommand({ ...viaDynalite(named), TableName: `${table}-empty` }));
    expect([empty.Items, empty.Count, empty.LastEvaluatedKey]).toEqual([[], 0, undefined]);
    expect([own.Items, own.Count, own.LastEvaluatedKey]).toEqual([[], 0, undefined]);
  });

  it('cuts Limit pages where dynalite does: Limit counts the items evaluated, the ones the filter refuses too', async () => {
    for (const limit of [7, 50]) {
      const fast = await pagesOf({ ...entityFilter, Limit: limit });
      const own = await pagesOf({ ...viaDynalite(entityFilter), Limit: limit });
      expect(fast).toEqual(own);
      expect(fast.length).toBe(Math.floor(items.length / limit) + 1);
    }
  });

  it("sends the items' stored bytes: the same items, members in the same order, pages cut at the same items", async () => {
    // Items of every kind of value and name, some over 16,384 characters (dynalite's size steps), all taken by the
    // filter: dynalite's own scan then cuts its pages at the same items exactly when both count the same sizes.
    const hostile = `${table}-stored`;
    await ensureTable(client, hostile);
    const odd = ['"', '\\', '\n', '\u0001', 'ü', '✓', '𝄞', '\ud800', '\udfff', '\u2028', '</'];
    const stored: Item[] = [];
    for (let i = 0; i < 240; i++) {
      const text = odd.slice(0, i % odd.length).join('') + 'x'.repeat((i * 997) % 23_000);
      stored.push({
        pk: { S: `VM#${odd[i % odd.length]}${i % 7}` },
        sk: { S: `EV#${i}${odd[(i * 3) % odd.length]}` },
        e: { S: text },
        at: { N: ['1796407232227', '-12300', '1e10', '0.5', '100', '0'][i % 6]! },
        ...(i % 2 === 0 && { '10': { BOOL: true }, '2': { NULL: true } }),
        ...(i % 3 === 0 && { 'a"b': { SS: ['ü', text.slice(0, 5) || 'y'] }, ü: { NS: ['1', '2.5'] } }),
        ...(i % 4 === 0 && {
          z: { B: new Uint8Array([i, 0, 255]) },
          zs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
        }),
        ...(i % 5 === 0 && {
          m: { M: { pk: { S: 'nested' }, e: { L: [{ S: odd.join('') }, { N: '7' }, { M: { '1': { S: 'x' } } }] } } },
        }),
      });
    }
    for (let at = 0; at < stored.length; at += 25)
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: { [hostile]: stored.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    /**
     * Each page of the Scan as the server sends it: its items' JSON text (member order included: a parsed object
     * would put array-index names first whatever the text said), where they stand in the answer, and the key it ends at.
     */
    const textPages = async (input: object) => {
      const pages: { items: string; first: boolean; last: unknown }[] = [];
      let start: unknown;
      do {
        const res = await fetch(server.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'DynamoDB_20120810.Scan',
            'x-amz-date': '20260101T000000Z',
            authorization:
              'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
          },
          body: JSON.stringify({
            ...input,
            TableName: hostile,
            ...(start !== undefined && { ExclusiveStartKey: start }),
          }),
        });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        const answer = JSON.parse(text) as { LastEvaluatedKey?: unknown };
        // The items array's text: dynalite writes `"Items":[…]` last; the stored bytes' answer first.
        const first = text.startsWith('{"Items":[');
        const items = first
          ? text.slice(9, text.lastIndexOf('],"ScannedCount":') + 1)
          : text.slice(text.indexOf('"Items":[') + 8, -1);
        pages.push({ items, first, last: answer.LastEvaluatedKey });
        start = answer.LastEvaluatedKey;
      } while (start !== undefined);
      return pages;
    };
    const all = { FilterExpression: 'begins_with(pk, :vm)', ExpressionAttributeValues: { ':vm': { S: 'VM#' } } };
    const projections = [
      {},
      { ProjectionExpression: 'pk, sk, e' },
      // Array-index names first, members not next to each other.
      {
        ProjectionExpression: 'e, #q, #ten, pk, #two, #at',
        ExpressionAttributeNames: { '#q': 'a"b', '#ten': '10', '#two': '2', '#at': 'at' },
      },
      // Names an object inherits (dynalite's projection finds them on the prototype): answered as objects.
      {
        ProjectionExpression: 'pk, #c, #p',
        ExpressionAttributeNames: { '#c': 'constructor', '#p': '__proto__' },
      },
      { ProjectionExpression: 'm.e, sk' },
    ];
    try {
      for (const [i, projected] of projections.entries()) {
        const input = { ...all, ...projected } as typeof all & { ExpressionAttributeNames?: Record<string, string> };
        const fast = await textPages(input);
        const own = await textPages(viaDynalite(input));
        expect(fast.map((p) => [p.items, p.last])).toEqual(own.map((p) => [p.items, p.last]));
        expect(fast.length).toBeGreaterThan(1);
        // Sent as stored bytes, except for the projection of inherited names and a nested path (built as objects).
        expect(fast.every((p) => p.first)).toBe(i < 3);
        expect(own.some((p) => p.first)).toBe(false);
      }
    } finally {
      await client.send(new DeleteTableCommand({ TableName: hostile }));
    }
  });

  it('decides a key that is not well-formed UTF-16 from the stored item, as dynalite does', async () => {
    // dynalite's item key holds the key's UTF-8 bytes, where a lone surrogate is U+FFFD: the key alone misreads it.
    const odd = { pk: { S: 'VM#odd-\ud800' }, sk: { S: 'EV#\udfff' } };
    await client.send(new PutItemCommand({ TableName: table, Item: odd }));
    try {
      const cases: { FilterExpression: string; ExpressionAttributeValues: Item }[] = [
        { FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': odd.pk } },
        { FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': odd.sk } },
        {
          FilterExpression: 'pk <> :pk AND begins_with(pk, :vm)',
          ExpressionAttributeValues: { ':pk': odd.pk, ':vm': { S: 'VM#' } },
        },
      ];
      for (const input of cases) {
        const fast = await scanAll(input);
        const own = await scanAll(viaDynalite(input));
        expect(fast.items).toEqual(own.items);
      }
      expect(
        (await scanAll({ FilterExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': odd.pk } })).items,
      ).toEqual([odd]);
    } finally {
      await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ DeleteRequest: { Key: odd } }] } }));
    }
  });
});

describe('the key scan and the dynalite it patches', () => {
  const require = createRequire(import.meta.url);
  const keyScan = require('../../src/store/dynalite-key-scan.cjs') as {
    installKeyScan: () => boolean;
    supported: (version: string, dbModule: Record<string, unknown>) => boolean;
    SUPPORTED_DYNALITE: string;
  };
  const db = require(require.resolve('dynalite/db', { paths: [require.resolve('dynalite')] })) as Record<
    string,
    unknown
  >;

  it('is installed on the dynalite package.json pins exactly, and installing it again changes nothing', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies.dynalite).toBe(keyScan.SUPPORTED_DYNALITE);
    expect(keyScan.installKeyScan()).toBe(true);
    const patched = db.queryTable;
    expect(keyScan.installKeyScan()).toBe(true);
    expect(db.queryTable).toBe(patched);
  });

  it('leaves another dynalite, or one whose internals differ, to answer its Scans itself', () => {
    const own = { ...db };
    expect(keyScan.supported(keyScan.SUPPORTED_DYNALITE, own)).toBe(true);
    expect(keyScan.supported('4.0.1', own)).toBe(false);
    expect(keyScan.supported(keyScan.SUPPORTED_DYNALITE, { ...own, queryTable: (cb: unknown) => cb })).toBe(false);
    expect(keyScan.supported(keyScan.SUPPORTED_DYNALITE, { ...own, matchesExprFilter: undefined })).toBe(false);
  });
});
