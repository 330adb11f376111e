import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  waitUntilTableNotExists,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  renameSync,
  openSync,
  writeSync,
  closeSync,
  cpSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { levelPath, startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { rawDynamoCall as call } from './raw-dynamodb-call';
import { withStoreChild, type StoreChildCommand } from './store-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Item = Record<string, AttributeValue>;

interface CacheEntry {
  table: string;
}
interface ScanCacheLike {
  entries: Map<string, CacheEntry>;
  bytes: number;
  restore(key: string, table: string, hash: string, range: string, at: unknown, length: number, crc: number): void;
  add(key: string, plan: object, expression: unknown, table: string, bytes: Buffer, crc: number): void;
  begin(): number | undefined;
  clear(): void;
}
const { scanCacheCounts, ScanCache, trackWrites } = createRequire(import.meta.url)(
  '../../src/store/scan-cache.cjs',
) as {
  scanCacheCounts: () => { hits: number; kept: number };
  ScanCache: new (answers?: unknown, capBytes?: number) => ScanCacheLike;
  trackWrites: (level: object, cache: ScanCacheLike) => void;
};
const cacheFile = createRequire(import.meta.url)('../../src/store/scan-cache-file.cjs') as {
  levelStamp: (levelDir: string) => string;
  AnswerFiles: new (
    dataDir: string,
    capBytes: number,
    take: (n: number) => Buffer,
    give: (b: Buffer) => void,
  ) => object;
  readCacheFile: (levelDir: string, answerFiles: object) => { entries: unknown[]; log: string } | undefined;
  openedAfter: (levelDir: string, log: string) => boolean;
  ownInfoLog: (levelDir: string) => string | undefined;
  writeCacheFile: (levelDir: string, entries: unknown[], ownLog: string | undefined, answerFiles: object) => boolean;
};
const { levelStamp } = cacheFile;

const TABLE = 'hyperaudit';

interface ScanInput {
  FilterExpression: string;
  ExpressionAttributeValues: Item;
  ExpressionAttributeNames?: Record<string, string>;
  ProjectionExpression?: string;
}

/** The fleet read's filter (src/store/dynamo-store.ts ENTITY_ITEMS): key attributes only, so a key scan. */
const FLEET: ScanInput = {
  FilterExpression: 'begins_with(pk, :vm) OR begins_with(pk, :host)',
  ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':host': { S: 'HOST#' } },
};
/** A filter on the sort key too, as readHistory's. */
const EVENTS: ScanInput = {
  FilterExpression: 'begins_with(sk, :ev)',
  ExpressionAttributeValues: { ':ev': { S: 'EV#' } },
  ProjectionExpression: 'pk, sk, e',
};

/**
 * Every page of a Scan as sent, over `segments` segments: its bytes (as latin1 text, one character a byte, which
 * compares fast) and its CRC-32 header.
 */
async function pages(endpoint: string, input: ScanInput, segments = 1) {
  const out: { bytes: string; crc: number }[] = [];
  for (let segment = 0; segment < segments; segment++) {
    let start: unknown;
    do {
      const answer = await call(endpoint, 'Scan', {
        ...input,
        TableName: TABLE,
        ...(segments > 1 && { Segment: segment, TotalSegments: segments }),
        ...(start !== undefined && { ExclusiveStartKey: start }),
      });
      expect(answer.status, answer.bytes.toString()).toBe(200);
      expect(answer.crc).toBe(crc32(answer.bytes));
      out.push({ bytes: answer.bytes.toString('latin1'), crc: answer.crc });
      start = (JSON.parse(answer.bytes.toString('utf8')) as { LastEvaluatedKey?: unknown }).LastEvaluatedKey;
    } while (start !== undefined);
  }
  return out;
}

function itemsOf(answers: { bytes: string }[]): Item[] {
  return answers.flatMap(
    (a) => (JSON.parse(Buffer.from(a.bytes, 'latin1').toString('utf8')) as { Items: Item[] }).Items,
  );
}

let freshness = 0;
/**
 * The same Scan answered anew by the key scan: the request spells its placeholders under names never asked before,
 * so no cache entry can answer it, and the answer (which holds no placeholder) is the one a fresh read gives.
 */
async function freshPages(endpoint: string, input: ScanInput, segments = 1) {
  const suffix = `_fresh${++freshness}`;
  const renamed: ScanInput = {
    ...input,
    FilterExpression: input.FilterExpression.replace(/:(\w+)/g, `:$1${suffix}`),
    ExpressionAttributeValues: Object.fromEntries(
      Object.entries(input.ExpressionAttributeValues).map(([name, value]) => [`${name}${suffix}`, value]),
    ),
  };
  return pages(endpoint, renamed, segments);
}

function event(pk: string, n: number, size = 40): Item {
  return {
    pk: { S: pk },
    sk: { S: `EV#2026-12-0${1 + (n % 5)}T00:00:00.000Z#e-${n}` },
    e: { S: JSON.stringify({ n, text: 'ü✓'.repeat(size) }) },
    at: { N: String(1_700_000_000_000 + n) },
  };
}

/** A small fleet (VM and host partitions with events) among findings and meta items the fleet read leaves out. */
function fleetItems(): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < 90; i++) {
    const pk = i % 3 === 0 ? `VM#vm-${i}` : i % 3 === 1 ? `FINDINGS#C#c-${i}` : `HOST#h-${i}`;
    for (let j = 0; j < 6; j++) items.push(event(pk, i * 10 + j, i % 3 === 1 ? 2000 : 2000));
  }
  items.push({ pk: { S: 'META' }, sk: { S: 'audit/latest' }, v: { S: '{}' } });
  return items;
}

async function putAll(client: DynamoDBClient, items: Item[]) {
  for (let at = 0; at < items.length; at += 25)
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { [TABLE]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
}

describe("the store's scan cache within one process (in-process server on disk)", () => {
  let server: LocalServer;
  let client: DynamoDBClient;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scan-cache-'));
    server = await startLocalServer({ mode: 'in-process', dataDir });
    client = createDynamoClient({ endpoint: server.endpoint });
    await ensureTable(client, TABLE);
    await putAll(client, fleetItems());
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a repeated key scan from the cache with the bytes and CRC-32 it sent, over segments and start keys', async () => {
    for (const input of [FLEET, EVENTS]) {
      for (const segments of [1, 3]) {
        const first = await pages(server.endpoint, input, segments);
        const before = scanCacheCounts();
        const again = await pages(server.endpoint, input, segments);
        expect(scanCacheCounts().hits - before.hits).toBe(again.length);
        expect(again).toEqual(first);
        expect(again).toEqual(await freshPages(server.endpoint, input, segments));
      }
    }
    // Several pages, so start keys are part of the requests kept.
    expect((await pages(server.endpoint, FLEET)).length).toBeGreaterThan(1);
  });

  it('answers anew after any write its filter takes, whatever the target that wrote it', async () => {
    const vm = 'VM#vm-0';
    const mutations: [string, () => Promise<unknown>][] = [
      ['PutItem', () => client.send(new PutItemCommand({ TableName: TABLE, Item: event(vm, 9_001) }))],
      [
        'UpdateItem',
        () =>
          client.send(
            new UpdateItemCommand({
              TableName: TABLE,
              Key: { pk: { S: vm }, sk: event(vm, 9_001).sk! },
              UpdateExpression: 'SET e = :e',
              ExpressionAttributeValues: { ':e': { S: '{"updated":true}' } },
            }),
          ),
      ],
      [
        'DeleteItem',
        () =>
          client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: vm }, sk: event(vm, 9_001).sk! } })),
      ],
      ['BatchWriteItem put', () => putAll(client, [event('HOST#h-new', 9_002)])],
      [
        'BatchWriteItem delete',
        () =>
          client.send(
            new BatchWriteItemCommand({
              RequestItems: { [TABLE]: [{ DeleteRequest: { Key: { pk: { S: vm }, sk: event(vm, 0).sk! } } }] },
            }),
          ),
      ],
    ];
    for (const [target, mutate] of mutations) {
      const before = [];
      for (const input of [FLEET, EVENTS]) {
        await pages(server.endpoint, input);
        before.push(await pages(server.endpoint, input));
      }
      const hits = scanCacheCounts().hits;
      await mutate();
      for (const [i, input] of [FLEET, EVENTS].entries()) {
        const after = await pages(server.endpoint, input);
        expect(itemsOf(after), target).not.toEqual(itemsOf(before[i]!));
        expect(after, target).toEqual(await freshPages(server.endpoint, input));
      }
      expect(scanCacheCounts().hits, target).toBe(hits);
    }
  });

  it('answers anew after the table is deleted and created again', async () => {
    await pages(server.endpoint, FLEET);
    expect(itemsOf(await pages(server.endpoint, FLEET)).length).toBeGreaterThan(0);
    await client.send(new DeleteTableCommand({ TableName: TABLE }));
    // dynalite deletes on a later turn: created while still DELETING, ensureTable would wait for a table that goes.
    await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: TABLE });
    await ensureTable(client, TABLE);
    expect(itemsOf(await pages(server.endpoint, FLEET))).toEqual([]);
    await putAll(client, fleetItems());
    expect(itemsOf(await pages(server.endpoint, FLEET))).toEqual(itemsOf(await freshPages(server.endpoint, FLEET)));
  });

  it("keeps the fleet's answers through writes its filter refuses: findings, digests, meta", async () => {
    await pages(server.endpoint, FLEET);
    const expected = await pages(server.endpoint, FLEET);
    await putAll(client, [event('FINDINGS#C#c-1', 7_001), event('DIGEST#x', 7_002)]);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'META' }, sk: { S: 'run' } } }));
    await client.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'FINDINGS#C#c-1' }, sk: event('x', 7_001).sk! } }),
    );
    const before = scanCacheCounts();
    const again = await pages(server.endpoint, FLEET);
    expect(scanCacheCounts().hits - before.hits).toBe(again.length);
    expect(again).toEqual(expected);
    expect(itemsOf(again)).toEqual(itemsOf(await freshPages(server.endpoint, FLEET)));
  });

  it('keeps no answer read while a write was in flight', async () => {
    const { setTimeout: sleep } = await import('node:timers/promises');
    let n = 0;
    // The fleet's first page read while an entity write lands at some point of it (each delay another point).
    for (let round = 0; round < 3; round++) {
      for (let delay = 0; delay < 30; delay += 2) {
        const write = event(`VM#vm-${(n % 30) * 3}`, 8_000 + n++);
        const [first] = await Promise.all([
          call(server.endpoint, 'Scan', { ...FLEET, TableName: TABLE }),
          sleep(delay).then(() => client.send(new PutItemCommand({ TableName: TABLE, Item: write }))),
        ]);
        expect(first.status).toBe(200);
        const again = await call(server.endpoint, 'Scan', { ...FLEET, TableName: TABLE });
        const fresh = (await freshPages(server.endpoint, FLEET))[0]!;
        expect(again.bytes.toString('latin1') === fresh.bytes, `write after ${delay} ms`).toBe(true);
      }
    }
  });
});

describe("the store's scan cache from one command to the next (the store's child)", () => {
  let dataDir: string;
  let outside: string;
  const running: LocalServer[] = [];

  /** One command: a child started, `fn` run against it, then the child stopped (gracefully, or killed). */
  const command = <T>(fn: (endpoint: string, client: DynamoDBClient) => Promise<T>, how: Options = {}) =>
    withStoreChild(dataDir, fn, { ...how, running });
  type Options = Omit<StoreChildCommand, 'running'>;
  const answerFiles = () => readdirSync(dataDir).filter((n) => n.endsWith('.answers'));
  const indexFile = () => join(dataDir, 'dynalite-scan-cache');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scan-cache-child-'));
    outside = mkdtempSync(join(tmpdir(), 'scan-cache-outside-'));
    await command(async (_, client) => {
      await ensureTable(client, TABLE);
      await putAll(client, fleetItems());
    });
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.kill();
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  /** The fleet's pages as a command reads them, and whether they came from the cache file (no new answers kept). */
  async function readFleet(how: Options = {}) {
    const filesBefore = answerFiles();
    const read = await command((endpoint) => pages(endpoint, FLEET, 2), how);
    const fromFile = filesBefore.length > 0 && JSON.stringify(answerFiles()) === JSON.stringify(filesBefore);
    return { read, fromFile };
  }

  it('answers the next command from the data folder, byte for byte', async () => {
    const first = await readFleet();
    const second = await readFleet();
    const third = await readFleet();
    expect(second.fromFile).toBe(true);
    expect(third.fromFile).toBe(true);
    expect(second.read).toEqual(first.read);
    expect(third.read).toEqual(first.read);
    const own = itemsOf(await command((endpoint) => freshPages(endpoint, FLEET, 2)));
    expect(itemsOf(first.read)).toEqual(own);
  });

  it('LevelDB files change at every open, even one that writes nothing (what the stamp rests on)', async () => {
    await command(async () => undefined, { cache: 'off' });
    const before = levelStamp(levelPath(dataDir));
    await command(async () => undefined, { cache: 'off' });
    expect(levelStamp(levelPath(dataDir))).not.toBe(before);
  });

  it('sees a write made in between by a process without the cache (an older hyperaudit)', async () => {
    await readFleet();
    await command((_, client) => client.send(new PutItemCommand({ TableName: TABLE, Item: event('VM#vm-3', 5_001) })), {
      cache: 'off',
    });
    // A process that only opens the folder, as LevelDB compacts its log on open.
    await command(async () => undefined, { cache: 'off' });
    const after = await readFleet();
    expect(after.fromFile).toBe(false);
    expect(itemsOf(after.read)).toContainEqual(event('VM#vm-3', 5_001));
    expect(itemsOf(after.read)).toEqual(itemsOf(await command((endpoint) => freshPages(endpoint, FLEET, 2))));
  });

  it('a child killed before its close leaves no answer its writes made stale', async () => {
    await readFleet();
    await readFleet();
    await command(
      async (endpoint, client) => {
        await pages(endpoint, FLEET, 2);
        await client.send(new PutItemCommand({ TableName: TABLE, Item: event('HOST#h-2', 5_002) }));
      },
      { kill: true },
    );
    const after = await readFleet();
    expect(after.fromFile).toBe(false);
    expect(itemsOf(after.read)).toContainEqual(event('HOST#h-2', 5_002));
    expect(itemsOf(after.read)).toEqual(itemsOf(await command((endpoint) => freshPages(endpoint, FLEET, 2))));
  });

  it('ignores damaged, foreign, oversized and symlinked cache files, and writes through no symlink', async () => {
    const expected = (await readFleet()).read;
    await readFleet();
    const damages: [string, () => void][] = [
      [
        'every answer byte changed, sizes kept',
        () => {
          for (const name of answerFiles()) {
            const file = join(dataDir, name);
            const bytes = readFileSync(file).map((b) => b ^ 0xff);
            const fd = openSync(file, 'r+');
            writeSync(fd, bytes, 0, bytes.length, 0);
            closeSync(fd);
          }
        },
      ],
      ['the answers truncated', () => truncateSync(join(dataDir, answerFiles()[0]!), 100)],
      ['the answers removed', () => rmSync(join(dataDir, answerFiles()[0]!))],
      ['the index truncated', () => truncateSync(indexFile(), 40)],
      ['a foreign index', () => writeFileSync(indexFile(), 'not a cache at all')],
      ['an oversized index', () => truncateSync(indexFile(), 64 * 1024 * 1024)],
      [
        'the index a symlink to a valid copy outside the data folder',
        () => {
          const copy = join(outside, 'index');
          renameSync(indexFile(), copy);
          symlinkSync(copy, indexFile());
        },
      ],
    ];
    for (const [damage, apply] of damages) {
      await readFleet();
      expect((await readFleet()).fromFile, damage).toBe(true);
      apply();
      const after = await readFleet();
      expect(after.fromFile, damage).toBe(false);
      expect(after.read, damage).toEqual(expected);
    }
    // Symlinks planted where the index and its temporary file are written: the files they point to stay as they were.
    writeFileSync(join(outside, 'target'), 'untouched');
    rmSync(indexFile(), { force: true });
    symlinkSync(join(outside, 'target'), indexFile());
    symlinkSync(join(outside, 'target'), join(dataDir, 'dynalite-scan-cache.tmp'));
    expect((await readFleet()).read).toEqual(expected);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('untouched');
    expect(readdirSync(outside).sort()).toEqual(['index', 'target']);
    expect((await readFleet()).fromFile).toBe(true);
  });

  it("LevelDB's info log shows a process that opened the folder between the stamp's read and the open, or after the close", async () => {
    const levelDir = levelPath(dataDir);
    const answers = () =>
      new cacheFile.AnswerFiles(
        dataDir,
        256 * 1024 * 1024,
        (n) => Buffer.alloc(n),
        () => undefined,
      );
    await readFleet();
    await readFleet();
    // Nobody in between: the open that follows the read renames the very LOG the stamp saw.
    const quiet = cacheFile.readCacheFile(levelDir, answers());
    expect(quiet).toBeDefined();
    await command(async () => expect(cacheFile.openedAfter(levelDir, quiet!.log)).toBe(true), { cache: 'off' });
    await readFleet();
    // A process that opens, writes and closes after the read: the next open's LOG.old is not the LOG seen.
    const raced = cacheFile.readCacheFile(levelDir, answers());
    expect(raced).toBeDefined();
    await command((_, client) => client.send(new PutItemCommand({ TableName: TABLE, Item: event('VM#vm-6', 5_003) })), {
      cache: 'off',
    });
    await command(async () => expect(cacheFile.openedAfter(levelDir, raced!.log)).toBe(false), { cache: 'off' });
    // A process that opens the folder after a close: that close's own LOG is no longer LOG, so no stamp is written.
    let ownLog: string | undefined;
    await command(async (endpoint) => {
      await pages(endpoint, FLEET, 2);
      ownLog = cacheFile.ownInfoLog(levelDir);
    });
    const index = readFileSync(indexFile());
    await command(async () => undefined, { cache: 'off' });
    expect(ownLog).toBeDefined();
    expect(cacheFile.writeCacheFile(levelDir, [], ownLog, answers())).toBe(false);
    expect(readFileSync(indexFile())).toEqual(index);
  });

  it('HYPERAUDIT_STORE_SCAN_CACHE=off keeps nothing in the data folder', async () => {
    await readFleet();
    for (const name of readdirSync(dataDir).filter((n) => n.startsWith('dynalite-scan-cache')))
      rmSync(join(dataDir, name));
    await readFleet({ cache: 'off' });
    await readFleet({ cache: 'off' });
    expect(readdirSync(dataDir).filter((n) => n.startsWith('dynalite-scan-cache'))).toEqual([]);
    expect(existsSync(indexFile())).toBe(false);
  });
});

describe("the scan cache's bounds and the writes it cannot read item by item", () => {
  /** The fleet's request as dynalite validated it (the cache's key), on table `table`. */
  const fleetKey = (table: string, start?: string) =>
    JSON.stringify({
      TableName: table,
      FilterExpression: FLEET.FilterExpression,
      ExpressionAttributeValues: FLEET.ExpressionAttributeValues,
      ...(start !== undefined && { ExclusiveStartKey: { pk: { S: start }, sk: { S: 'x' } } }),
    });
  function cacheWith(tables: string[]) {
    const cache = new ScanCache();
    for (const table of tables) {
      const bytes = Buffer.from(`{"Items":[],"table":"${table}"}`);
      cache.restore(fleetKey(table), table, 'pk', 'sk', { bytes }, bytes.length, crc32(bytes));
    }
    expect([...cache.entries.keys()]).toHaveLength(tables.length);
    return cache;
  }
  /** A LevelDB stand-in: each write ends on the next turn, as dynalite's callback-style writes do. */
  const level = () => ({
    put: (_k: string, _v: unknown, cb: () => void) => setImmediate(cb),
    del: (_k: string, cb: () => void) => setImmediate(cb),
    batch: (_ops: unknown, cb?: () => void) => (cb === undefined ? { write: () => undefined } : setImmediate(cb)),
  });
  const hex = (s: string) => Buffer.from(s).toString('hex');

  it('keeps no answer beyond its cap, in memory', () => {
    const cache = new ScanCache(undefined, 100);
    const plan = { hash: 'pk', range: 'sk' };
    cache.add(fleetKey('tbl', 'a'), plan, undefined, 'tbl', Buffer.alloc(60, 32), 1);
    cache.add(fleetKey('tbl', 'b'), plan, undefined, 'tbl', Buffer.alloc(60, 32), 2);
    expect(cache.entries.size).toBe(1);
    expect(cache.bytes).toBe(60);
  });

  it('holds a bounded length of request keys, however small their answers (a Scan request may be 16 MB)', () => {
    const cache = new ScanCache();
    const plan = { hash: 'pk', range: 'sk' };
    const answer = Buffer.from('{"Items":[],"ScannedCount":0,"Count":0}');
    const huge = (n: number) => fleetKey('tbl', `${n}${'x'.repeat(1024 * 1024)}`);
    for (let n = 0; n < 40; n++) cache.add(huge(n), plan, undefined, 'tbl', answer, crc32(answer));
    const held = () => [...cache.entries.keys()].reduce((sum, key) => sum + key.length, 0);
    expect(cache.entries.size).toBeGreaterThan(0);
    expect(held()).toBeLessThanOrEqual(16 * 1024 * 1024);
    // Keys dropped are counted out: the cache takes new ones again.
    cache.clear();
    cache.add(huge(99), plan, undefined, 'tbl', answer, crc32(answer));
    expect(cache.entries.size).toBe(1);
  });

  it("drops every entry on a write to a table's description or to what it does not know, none on index and tag writes", async () => {
    const cases: [string, number][] = [
      [`index-global~tbl~gsi~${'0'.repeat(3)}/x/`, 2],
      ['tag-tbl~key', 2],
      [`item-other~abc/${hex('VM#1')}/${hex('EV#1')}/`, 1],
      [`item-tbl~abc/${hex('FINDINGS#1')}/${hex('EV#1')}/`, 2],
      ['table~tbl', 0],
      ['something-else~x', 0],
      [`item-tbl~abc/not hex/${hex('EV#1')}/`, 1],
    ];
    for (const [key, left] of cases) {
      const cache = cacheWith(['tbl', 'other']);
      const db = level();
      trackWrites(db, cache);
      await new Promise<void>((ok) => db.put(key, {}, ok));
      expect(cache.entries.size, key).toBe(left);
    }
    // A chained batch (its operations are not known when it is made): nothing is kept from then on.
    const cache = cacheWith(['tbl']);
    const db = level();
    trackWrites(db, cache);
    (db.batch as () => unknown)();
    expect(cache.entries.size).toBe(0);
    expect(cache.begin()).toBeUndefined();
  });
});

describe("the scan cache's stamp against LevelDB files rewritten in place", () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  const command = withStoreChild;
  const vmEvent = (text: string): Item => ({ pk: { S: 'VM#vm-1' }, sk: { S: 'EV#1' }, e: { S: text } });

  it("answers from LevelDB, not the cache, once another store's files of the same names and sizes were copied over its own (cp keeps the inodes)", async () => {
    const base = mkdtempSync(join(tmpdir(), 'scan-cache-inplace-'));
    folders.push(base);
    const mine = join(base, 'mine');
    const other = join(base, 'other');
    await command(mine, async (_, client) => {
      await ensureTable(client, TABLE);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: vmEvent('start') }));
    });
    // Two stores with one history, but for the text of one item, of the same length.
    cpSync(mine, other, { recursive: true });
    await command(mine, (_, client) => client.send(new PutItemCommand({ TableName: TABLE, Item: vmEvent('mine!') })));
    await command(other, (_, client) => client.send(new PutItemCommand({ TableName: TABLE, Item: vmEvent('other') })));
    // The fleet read on each; `mine` keeps its answers in its data folder, stamped at its close.
    expect(itemsOf(await command(mine, (endpoint) => pages(endpoint, FLEET)))).toEqual([vmEvent('mine!')]);
    expect(itemsOf(await command(other, (endpoint) => pages(endpoint, FLEET)))).toEqual([vmEvent('other')]);
    expect(existsSync(join(mine, 'dynalite-scan-cache'))).toBe(true);
    // `cp other/dynalite/* mine/dynalite/` (its info logs left): each file rewritten in place, its inode kept.
    const stampOf = (dataDir: string) =>
      levelStamp(levelPath(dataDir))
        .split('\n')
        .filter((line) => !line.startsWith('LOG'))
        .map((line) => line.split('\t').slice(0, 3).join('\t'));
    expect(stampOf(other)).toEqual(stampOf(mine));
    const before = levelStamp(levelPath(mine));
    for (const name of readdirSync(levelPath(other))) {
      if (name.startsWith('LOG') || name === 'LOCK') continue;
      writeFileSync(join(levelPath(mine), name), readFileSync(join(levelPath(other), name)));
    }
    expect(
      levelStamp(levelPath(mine))
        .split('\n')
        .map((line) => line.split('\t').slice(0, 4).join('\t')),
    ).toEqual(before.split('\n').map((line) => line.split('\t').slice(0, 4).join('\t')));
    expect(itemsOf(await command(mine, (endpoint) => pages(endpoint, FLEET)))).toEqual([vmEvent('other')]);
  });
});
