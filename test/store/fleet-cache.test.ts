import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  waitUntilTableNotExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { serialize } from 'node:v8';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import type { Fleet } from '../../src/model/fleet';
import { localFleetCache, watchToken } from '../../src/cli/fleet-cache';
import { DynamoStore, type DynamoStoreOptions } from '../../src/store/dynamo-store';
import { decodeFleet, encodeFleet } from '../../src/store/fleet-bytes';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { rawDynamoCall } from './raw-dynamodb-call';
import { withStoreChild } from './store-child';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The local store's fleet cache (src/cli/fleet-cache.ts): the fleet a command folded, given again to the next command
 * only while none of the items it was folded from was written (the store child's watch: src/store/scan-watch.cjs),
 * and never a fleet other than the one the items fold to.
 */

const TABLE = 'hyperaudit';
const SAMPLES = join(__dirname, '..', '..', 'samples', 'fleet');
/** The sample fleet's newest event is of 2026-11; the stores here run a little after. */
const NOW = Date.parse('2026-12-01T00:00:00Z');

function sampleEvents(): FleetEvent[] {
  return ['perimeters', 'hosts', 'vms', 'history'].flatMap((name) =>
    readFileSync(join(SAMPLES, `${name}.ndjson`), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as FleetEvent),
  );
}

/** Whether two fleets are the same: values, and the prototype of every object (the settings maps have none). */
function sameFleet(a: unknown, b: unknown, seen = new Set<unknown>()): boolean {
  if (!isDeepStrictEqual(a, b)) return false;
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return false;
    if (x instanceof Map) for (const [k, v] of x) stack.push([v, (y as Map<unknown, unknown>).get(k)]);
    else for (const k in x) stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]]);
  }
  return true;
}

/** Objects of `fleet` without a prototype (the fold's maps of settings and the like). */
function bareObjects(fleet: Fleet): number {
  let n = 0;
  const seen = new Set<unknown>();
  const stack: unknown[] = [fleet];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (Object.getPrototypeOf(x) === null) n++;
    if (x instanceof Map) for (const v of x.values()) stack.push(v);
    else for (const k in x) stack.push((x as Record<string, unknown>)[k]);
  }
  return n;
}

/** The clock of a command, the build its fleet cache is of (null: no fleet cache), and any other store options. */
type CommandOptions = Partial<Omit<DynamoStoreOptions, 'now'>> & { now?: number; codeStamp?: string | null };

/**
 * One command against the data folder `dataDir`: a store child (pushed to `running`, killed after a failed test), a
 * store on it at the clock `now` (with the fleet cache of build `codeStamp` unless that is null), `fn`, and the
 * child stopped.
 */
async function onStoreChild<T>(
  dataDir: string,
  running: LocalServer[],
  fn: (store: DynamoStore, client: DynamoDBClient) => Promise<T>,
  { now = NOW, codeStamp = 'build-1', ...options }: CommandOptions = {},
): Promise<T> {
  const server = await startLocalServer({ mode: 'child', dataDir });
  running.push(server);
  const client = createDynamoClient({ endpoint: server.endpoint });
  await ensureTable(client, TABLE);
  const store = new DynamoStore({
    ...options,
    client,
    tableName: TABLE,
    now: () => now,
    ...(codeStamp !== null && {
      fleetCache: localFleetCache({ dataDir, endpoint: server.endpoint, codeStamp }),
    }),
  });
  try {
    return await fn(store, client);
  } finally {
    store.close();
    await server.stop();
  }
}

/** The fleet a command reads, and whether it came from the cache file (no Scan request made). */
const loadIn = (dataDir: string, running: LocalServer[], now = NOW, codeStamp: string | null = 'build-1') =>
  onStoreChild(
    dataDir,
    running,
    async (store) => {
      const fleet = await store.loadFleet();
      return { fleet, cached: store.stats.readRequests === 0 };
    },
    { now, codeStamp },
  );

describe('a fleet as bytes (src/store/fleet-bytes.ts)', () => {
  const fleet = (): Fleet => {
    const settings = Object.create(null) as Record<string, unknown>;
    settings['isolation.tools.copy.disable'] = true;
    settings['constructor'] = 'a setting named constructor';
    const shared = { network: 'vlan-1' };
    return {
      hosts: new Map([['h-1', { id: 'h-1', settings, nics: [shared] } as never]]),
      vms: new Map([
        ['vm-1', { id: 'vm-1', settings, nics: [shared], memoryMiB: -0, note: undefined } as never],
        ['vm-2', { id: 'vm-2', settings: Object.create(null), nics: [shared] } as never],
      ]),
      perimeters: new Map(),
      snapshotEvidence: new Map([['vm#vm-3', { eventId: 'e-1', time: '2026-01-01T00:00:00Z', effect: 'removed' }]]),
    };
  };

  it('gives back the same fleet: values, objects without a prototype, and what entities share', () => {
    const before = fleet();
    const after = decodeFleet(encodeFleet(before)!)!;
    expect(sameFleet(before, after)).toBe(true);
    const vm1 = after.vms.get('vm-1') as unknown as { settings: Record<string, unknown>; nics: object[] };
    const vm2 = after.vms.get('vm-2') as unknown as { settings: Record<string, unknown>; nics: object[] };
    expect(Object.getPrototypeOf(vm1.settings)).toBeNull();
    expect(vm2.settings.toString).toBeUndefined();
    expect((after.hosts.get('h-1') as unknown as { settings: object }).settings).toBe(vm1.settings);
    expect(vm1.nics[0]).toBe(vm2.nics[0]);
  });

  it('refuses a fleet it could not give back as it is (a class, a symbol key, a function)', () => {
    class Vm {
      id = 'vm-1';
    }
    const withClass = { ...fleet(), vms: new Map([['vm-1', new Vm() as never]]) };
    const withSymbol = fleet();
    (withSymbol.vms.get('vm-1') as unknown as Record<symbol, unknown>)[Symbol('marked')] = true;
    const withFunction = fleet();
    (withFunction.vms.get('vm-1') as unknown as Record<string, unknown>).f = () => 1;
    for (const f of [withClass, withSymbol, withFunction]) expect(encodeFleet(f)).toBeUndefined();
  });

  it('gives no fleet for bytes it did not write', () => {
    for (const bytes of [
      Buffer.from('not V8'),
      Buffer.alloc(0),
      serialize({ fleet: { hosts: [], vms: new Map(), perimeters: new Map() }, bare: [] }),
      serialize({ fleet: fleet(), bare: [1] }),
      serialize([fleet()]),
      encodeFleet(fleet())!.subarray(0, 40),
    ])
      expect(decodeFleet(bytes)).toBeUndefined();
  });
});

describe('the fleet cache when its peer or its file misbehave', () => {
  it('gives no token, and does not wait, when the answer is cut short for being too long', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200);
        res.write('x'.repeat(5000));
        // Never ended: only the client's own limit ends the wait.
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    const { port } = server.address() as { port: number };
    try {
      expect(await watchToken(`http://127.0.0.1:${port}`, {})).toBeUndefined();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reads a file whose header is not an object as a miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-cache-header-'));
    try {
      const cache = localFleetCache({ dataDir: dir, endpoint: 'http://127.0.0.1:9', codeStamp: 'b' });
      for (const text of ['null', '1', '"x"', '[]']) {
        const head = Buffer.from(text);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(head.length);
        writeFileSync(
          join(dir, 'fleet-cache'),
          Buffer.concat([Buffer.from('hyperaudit fleet cache 1\n'), length, head]),
          {
            mode: 0o600,
          },
        );
        expect(cache.read('0'.repeat(32), NOW)).toBeUndefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives no token while a write is in flight (its item may be missing from a read made now)', () => {
    const { ScanCache } = createRequire(import.meta.url)('../../src/store/scan-cache.cjs') as {
      ScanCache: new () => {
        watch(key: string, plan: object, expression: unknown, table: string): string | undefined;
        writeStarts(keys: unknown[]): void;
        writeEnds(): void;
      };
    };
    const cache = new ScanCache();
    const plan = { hash: 'pk', range: 'sk' };
    cache.writeStarts([]);
    expect(cache.watch('{"TableName":"t"}', plan, undefined, 't')).toBeUndefined();
    cache.writeEnds();
    const token = cache.watch('{"TableName":"t"}', plan, undefined, 't');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    cache.writeStarts([]);
    // A token already given stays what it is while the write runs: the write did not take its items.
    expect(cache.watch('{"TableName":"t"}', plan, undefined, 't')).toBe(token);
    cache.writeEnds();
  });
});

describe("the store child's watch of a Scan (src/store/scan-watch.cjs)", () => {
  let dataDir: string;
  const running: LocalServer[] = [];
  const FLEET = {
    TableName: TABLE,
    FilterExpression: 'begins_with(pk, :vm) OR begins_with(pk, :host)',
    ExpressionAttributeValues: { ':vm': { S: 'VM#' }, ':host': { S: 'HOST#' } },
  };
  const item = (pk: string, n: number) => ({
    pk: { S: pk },
    sk: { S: `EV#2026-12-01T00:00:00.000Z#e-${n}` },
    e: { S: '{}' },
  });

  const command = <T>(fn: (endpoint: string, client: DynamoDBClient) => Promise<T>, scanCache = true) =>
    withStoreChild(dataDir, fn, { cache: scanCache ? 'on' : 'off', running });
  const put = (client: DynamoDBClient, pk: string, n: number) =>
    client.send(new PutItemCommand({ TableName: TABLE, Item: item(pk, n) }));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scan-watch-'));
    await command(async (_, client) => {
      await ensureTable(client, TABLE);
      await put(client, 'VM#vm-1', 1);
    });
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.kill();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps its token until an item the Scan takes is written, through writes it does not take', async () => {
    await command(async (endpoint, client) => {
      const token = await watchToken(endpoint, FLEET);
      expect(token).toMatch(/^[0-9a-f]{32}$/);
      expect(await watchToken(endpoint, FLEET)).toBe(token);
      await put(client, 'FINDINGS#C#c-1', 2);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'META' }, sk: { S: 'run' } } }));
      expect(await watchToken(endpoint, FLEET)).toBe(token);
      await put(client, 'HOST#h-1', 3);
      const next = await watchToken(endpoint, FLEET);
      expect(next).toMatch(/^[0-9a-f]{32}$/);
      expect(next).not.toBe(token);
      expect(await watchToken(endpoint, FLEET)).toBe(next);
    });
  });

  it('keeps its token from one command to the next, and not past a write made in between without the scan cache', async () => {
    const first = await command((endpoint) => watchToken(endpoint, FLEET));
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(await command((endpoint) => watchToken(endpoint, FLEET))).toBe(first);
    // An older hyperaudit (no cache, no watch) writes an item the Scan takes.
    await command((_, client) => put(client, 'VM#vm-2', 4), false);
    const after = await command((endpoint) => watchToken(endpoint, FLEET));
    expect(after).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toBe(first);
  });

  it('gives another token after every kind of write to an item the Scan takes, the table dropped and made again too', async () => {
    await command(async (endpoint, client) => {
      const key = { pk: { S: 'VM#vm-w' }, sk: { S: 'EV#2026-12-01T00:00:00.000Z#e-w' } };
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, e: { S: '{}' } } }));
      const seen = new Set<string>();
      const writes: [string, () => Promise<unknown>][] = [
        [
          'UpdateItem',
          () =>
            client.send(
              new UpdateItemCommand({
                TableName: TABLE,
                Key: key,
                UpdateExpression: 'SET e = :e',
                ExpressionAttributeValues: { ':e': { S: '{"n":2}' } },
              }),
            ),
        ],
        [
          'BatchWriteItem',
          () =>
            client.send(
              new BatchWriteItemCommand({ RequestItems: { [TABLE]: [{ PutRequest: { Item: item('VM#vm-b', 5) } }] } }),
            ),
        ],
        ['DeleteItem', () => client.send(new DeleteItemCommand({ TableName: TABLE, Key: key }))],
        [
          'DeleteTable and CreateTable',
          async () => {
            await client.send(new DeleteTableCommand({ TableName: TABLE }));
            await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: TABLE });
            await ensureTable(client, TABLE);
            await put(client, 'VM#vm-1', 1);
          },
        ],
      ];
      for (const [name, write] of writes) {
        const before = await watchToken(endpoint, FLEET);
        expect(before, name).toMatch(/^[0-9a-f]{32}$/);
        seen.add(before!);
        await write();
        const after = await watchToken(endpoint, FLEET);
        expect(after, name).toMatch(/^[0-9a-f]{32}$/);
        expect(seen.has(after!), name).toBe(false);
      }
    });
  });

  it('does not give the token back after a child killed past a write', async () => {
    const first = await command((endpoint) => watchToken(endpoint, FLEET));
    const server = await startLocalServer({ mode: 'child', dataDir });
    running.push(server);
    const client = createDynamoClient({ endpoint: server.endpoint });
    expect(await watchToken(server.endpoint, FLEET)).toBe(first);
    await put(client, 'VM#vm-k', 6);
    client.destroy();
    await server.kill();
    const after = await command((endpoint) => watchToken(endpoint, FLEET));
    expect(after).toMatch(/^[0-9a-f]{32}$/);
    expect(after).not.toBe(first);
  });

  it('keeps serving when a client goes away in the middle of a request body', async () => {
    await command(async (endpoint) => {
      const url = new URL(endpoint);
      for (const target of ['DynamoDB_20120810.Scan', 'HyperauditStore.WatchScan']) {
        await new Promise<void>((ok) => {
          const req = request({
            host: url.hostname,
            port: url.port,
            method: 'POST',
            headers: { 'x-amz-target': target, 'content-length': '1000' },
          });
          req.on('error', () => ok());
          req.write('{"TableName":');
          setTimeout(() => {
            req.destroy();
            ok();
          }, 50);
        });
      }
      await new Promise((ok) => setTimeout(ok, 200));
      expect(await watchToken(endpoint, FLEET)).toMatch(/^[0-9a-f]{32}$/);
      expect((await rawDynamoCall(endpoint, 'Scan', FLEET)).status).toBe(200);
    });
  });

  it('gives no token for a Scan it cannot follow by keys, a paged request, or without the scan cache', async () => {
    await command(async (endpoint) => {
      expect(await watchToken(endpoint, { ...FLEET, FilterExpression: 'attribute_exists(e)' })).toBeUndefined();
      expect(await watchToken(endpoint, { ...FLEET, Segment: 0, TotalSegments: 2 })).toBeUndefined();
      expect(await watchToken(endpoint, { ...FLEET, TableName: 'missing-table' })).toBeUndefined();
      const refused = await rawDynamoCall(endpoint, 'Scan', { TableName: TABLE, Limit: 'x' });
      expect(refused.status).toBe(400);
    });
    expect(await command((endpoint) => watchToken(endpoint, FLEET), false)).toBeUndefined();
  });

  it('answers a hostile watch body with an error, and every DynamoDB request as before', async () => {
    await command(async (endpoint) => {
      const { request } = await import('node:http');
      const send = (body: string) =>
        new Promise<number>((ok, fail) => {
          const req = request(
            endpoint,
            { method: 'POST', headers: { 'x-amz-target': 'HyperauditStore.WatchScan' } },
            (res) => {
              res.resume();
              res.on('end', () => ok(res.statusCode ?? 0));
            },
          );
          req.on('error', fail);
          req.end(body);
        });
      expect(await send('not json')).toBe(400);
      expect(await send('[1]')).toBe(400);
      expect(await send(JSON.stringify({ TableName: TABLE, FilterExpression: 42 }))).toBe(400);
      expect(await send(JSON.stringify({ ...FLEET, pad: 'x'.repeat(100_000) }))).toBe(413);
      const scan = await rawDynamoCall(endpoint, 'Scan', FLEET);
      expect(scan.status).toBe(200);
    });
  });
});

describe('loadFleet with the fleet cache, against the store child', () => {
  let dataDir: string;
  const running: LocalServer[] = [];
  const cacheFile = () => join(dataDir, 'fleet-cache');

  const command = <T>(fn: (store: DynamoStore) => Promise<T>, now = NOW) =>
    onStoreChild(dataDir, running, (store) => fn(store), { now });
  /** The fleet as a store without the cache reads it. */
  const uncached = async (now = NOW): Promise<Fleet> => (await loadIn(dataDir, running, now, null)).fleet;
  const load = (now = NOW, codeStamp = 'build-1') => loadIn(dataDir, running, now, codeStamp);
  const fileStamp = () => {
    const s = statSync(cacheFile());
    return `${s.ino}:${s.mtimeMs}:${s.size}`;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleet-cache-'));
    await command((store) => store.putEvents(sampleEvents()));
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.kill();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('gives the next command the fleet the items fold to, without reading them again', async () => {
    const first = await load();
    expect(first.cached).toBe(false);
    expect(existsSync(cacheFile())).toBe(true);
    const written = fileStamp();
    const second = await load();
    const third = await load();
    expect(second.cached).toBe(true);
    expect(third.cached).toBe(true);
    expect(fileStamp()).toBe(written);
    const truth = await uncached();
    expect(truth.vms.size).toBeGreaterThan(100);
    expect(bareObjects(truth)).toBeGreaterThan(0);
    for (const f of [first.fleet, second.fleet, third.fleet]) expect(sameFleet(f, truth)).toBe(true);
  });

  it('reads the items again after any write to them, and keeps the new fleet', async () => {
    await load();
    const vm = sampleEvents().find((e) => e.type === 'vm.upsert')!;
    const changed = {
      ...vm,
      id: 'fleet-cache-test-1',
      time: '2026-11-30T00:00:00.000Z',
      vm: { ...(vm as { vm: object }).vm, memoryMiB: 123_456 },
    } as FleetEvent;
    await command((store) => store.putEvents([changed]));
    // What a command stopped in the middle of its write left behind goes with the next write.
    const left = join(dataDir, 'fleet-cache.999999.tmp');
    writeFileSync(left, 'half a fleet');
    const after = await load();
    expect(after.cached).toBe(false);
    expect(existsSync(left)).toBe(false);
    const id = (vm as { vm: { id: string } }).vm.id;
    expect(after.fleet.vms.get(id)?.memoryMiB).toBe(123_456);
    expect(sameFleet(after.fleet, await uncached())).toBe(true);
    expect((await load()).cached).toBe(true);
  });

  it('keeps no fleet that left an event out as dated too far ahead, so the event counts once its time comes', async () => {
    const vm = sampleEvents().find((e) => e.type === 'vm.upsert')!;
    const id = (vm as { vm: { id: string } }).vm.id;
    const ahead = {
      ...vm,
      id: 'fleet-cache-test-ahead',
      time: new Date(NOW + 3_600_000).toISOString(),
      vm: { ...(vm as { vm: object }).vm, memoryMiB: 654_321 },
    } as FleetEvent;
    await command((store) => store.putEvents([ahead]), NOW + 3_600_000);
    rmSync(cacheFile(), { force: true });
    const now = await load();
    expect(now.fleet.vms.get(id)?.memoryMiB).not.toBe(654_321);
    expect(existsSync(cacheFile())).toBe(false);
    const later = await load(NOW + 2 * 3_600_000);
    expect(later.cached).toBe(false);
    expect(later.fleet.vms.get(id)?.memoryMiB).toBe(654_321);
    expect((await load(NOW + 2 * 3_600_000)).cached).toBe(true);
  });

  it('gives a kept fleet only at a future cutoff no earlier than its own, and only to the build that wrote it', async () => {
    const at = NOW + 3 * 3_600_000;
    rmSync(cacheFile(), { force: true });
    expect((await load(at)).cached).toBe(false);
    expect((await load(at)).cached).toBe(true);
    expect((await load(at - 1)).cached).toBe(false);
    expect((await load(at, 'build-2')).cached).toBe(false);
    expect((await load(at, 'build-2')).cached).toBe(true);
  });

  it('reads the items when the cache file is damaged, foreign, or a symlink, and writes through no symlink', async () => {
    // After the event dated ahead above: a fleet read now leaves nothing out, so it is kept.
    const later = NOW + 3 * 3_600_000;
    await load(later);
    expect((await load(later)).cached).toBe(true);
    const good = readFileSync(cacheFile());
    const truth = await uncached(later);
    const damaged = Buffer.from(good);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 100) ^ 0xff, damaged.length - 100);
    for (const bytes of [
      good.subarray(0, good.length - 1),
      damaged,
      Buffer.from('hyperaudit fleet cache 1\n'),
      Buffer.alloc(9),
    ]) {
      writeFileSync(cacheFile(), bytes);
      const read = await load(later);
      expect(read.cached).toBe(false);
      expect(sameFleet(read.fleet, truth)).toBe(true);
    }
    const outside = mkdtempSync(join(tmpdir(), 'fleet-cache-outside-'));
    try {
      const target = join(outside, 'planted');
      writeFileSync(target, good);
      unlinkSync(cacheFile());
      symlinkSync(target, cacheFile());
      const read = await load(later);
      expect(read.cached).toBe(false);
      expect(sameFleet(read.fleet, truth)).toBe(true);
      // The new file replaced the link; the file it pointed to is as it was.
      expect(readFileSync(target).equals(good)).toBe(true);
      expect((await load(later)).cached).toBe(true);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('loadFleet with the fleet cache: a snapshot holding a stamp past the cutoff', () => {
  let dataDir: string;
  const running: LocalServer[] = [];
  const vm = (id: string, time: string, memoryMiB: number): FleetEvent =>
    ({ id, time, source: 'canonical', type: 'vm.upsert', vm: { id: 'vm-snap', name: 'snap', memoryMiB } }) as never;

  const load = (now: number) => loadIn(dataDir, running, now);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fleet-cache-snapshot-'));
    // A store under a looser clock-skew policy (10 h ahead) folds an event dated 1 h ahead into the VM's snapshot.
    await onStoreChild(
      dataDir,
      running,
      async (store, client) => {
        await store.putEvents([
          vm('e-old', new Date(NOW - 86_400_000).toISOString(), 1000),
          vm('e-ahead', new Date(NOW + 3_600_000).toISOString(), 2000),
        ]);
        // The event items go (as retention leaves it): only the snapshot holds the later stamp.
        const items = await client.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: 'VM#vm-snap' } },
          }),
        );
        const sks = (items.Items ?? []).map((i) => i.sk!.S!);
        expect(sks).toContain('STATE');
        for (const sk of sks.filter((k) => k.startsWith('EV#')))
          await client.send(
            new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'VM#vm-snap' }, sk: { S: sk } } }),
          );
      },
      { codeStamp: null, maxEventAheadMs: 10 * 3_600_000, snapshotEvery: 2 },
    );
  });
  afterEach(async () => {
    for (const server of running.splice(0)) await server.kill();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps no fleet read while the stamp is ahead, and the value counts once its time comes', async () => {
    const early = await load(NOW);
    // The snapshot keeps the newest value only: with its stamp left out, the read has no memory size for the VM.
    expect(early.fleet.vms.get('vm-snap')?.memoryMiB).toBeUndefined();
    expect(existsSync(join(dataDir, 'fleet-cache'))).toBe(false);
    const later = await load(NOW + 2 * 3_600_000);
    expect(later.cached).toBe(false);
    expect(later.fleet.vms.get('vm-snap')?.memoryMiB).toBe(2000);
    expect((await load(NOW + 2 * 3_600_000)).cached).toBe(true);
  });
});
