import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import type { Fleet } from '../../src/model/fleet';
import { MemoryStore } from '../../src/store/memory-store';
import { startLocalServer } from '../../src/store/local-server';
import { openDynamoStore } from '../../src/store/open-store';
import type { FleetStore, FleetWithHistory } from '../../src/store/types';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DAY = 86_400_000;
/** When the old events are written and compacted; a day of retention later they have expired. */
const WRITTEN = Date.parse('2025-06-01T00:00:00Z');
const READ = WRITTEN + 3 * DAY;

const at = (day: number, hour: number) => new Date(Date.parse('2025-05-01T00:00:00Z') + day * DAY + hour * 3_600_000);
const iso = (day: number, hour = 0) => at(day, hour).toISOString();

/** Written, then compacted into snapshots, then expired: only the snapshots and the not yet deleted items hold them. */
const OLD: FleetEvent[] = [
  {
    id: 'h1-a',
    time: iso(1),
    type: 'host.upsert',
    host: { id: 'h1', name: 'esx-1', cluster: 'c1', memoryMiB: 1024 },
  },
  { id: 'h2-a', time: iso(1), type: 'host.upsert', host: { id: 'h2', name: 'esx-2', cluster: 'c1' } },
  { id: 'old-vm', time: iso(2), type: 'vm.upsert', vm: { id: 'vm-old', name: 'kept', hostId: 'h1', vcpus: 2 } },
  { id: 'a-1', time: iso(2), type: 'vm.upsert', vm: { id: 'vm-a', name: 'a', hostId: 'h1', vcpus: 4 } },
  { id: 'gone-1', time: iso(2), type: 'vm.upsert', vm: { id: 'vm-gone', name: 'gone', hostId: 'h2' } },
];

/** Written after the compaction, out of event order, with a re-delivery, a reused id and one event from the future. */
const NEW: FleetEvent[] = [
  { id: 'a-3', time: iso(20, 5), type: 'vm.power_off', vm: { id: 'vm-a' } },
  {
    id: 'a-2',
    time: iso(20, 1),
    type: 'vm.migrate',
    migrate: { vmId: 'vm-a', fromHostId: 'h1', toHostId: 'h2', kind: 'live' },
  },
  { id: 'b-1', time: iso(19), type: 'vm.upsert', vm: { id: 'vm-b', name: 'b', hostId: 'h2', vcpus: 8 } },
  {
    id: 'a-2',
    time: iso(20, 1),
    type: 'vm.migrate',
    migrate: { vmId: 'vm-a', fromHostId: 'h1', toHostId: 'h2', kind: 'live' },
  },
  { id: 'reused', time: iso(21), type: 'vm.upsert', vm: { id: 'vm-c', name: 'c', hostId: 'h1' } },
  { id: 'reused', time: iso(21), type: 'vm.upsert', vm: { id: 'vm-d', name: 'd', hostId: 'h2' } },
  { id: 'gone-2', time: iso(20), type: 'vm.remove', vm: { id: 'vm-gone' } },
  { id: 'h1-b', time: iso(18), type: 'host.upsert', host: { id: 'h1', memoryMiB: 2048 } },
  {
    id: 'ahead',
    time: new Date(READ + DAY).toISOString(),
    type: 'vm.upsert',
    vm: { id: 'vm-future', name: 'f', hostId: 'h1' },
  },
];

async function bothReads(store: FleetStore): Promise<FleetWithHistory> {
  const fleet = await store.loadFleet();
  const history: FleetEvent[] = [];
  for await (const e of store.readHistory()) history.push(e);
  return { fleet, history };
}

/** The fleet in a comparable form: entity maps as sorted entries (snapshot evidence included). */
function plain(fleet: Fleet | undefined) {
  if (!fleet) throw new Error('no fleet');
  const sorted = <T>(m: ReadonlyMap<string, T> | undefined) =>
    [...(m ?? new Map<string, T>())].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    hosts: sorted(fleet.hosts),
    vms: sorted(fleet.vms),
    perimeters: sorted(fleet.perimeters),
    evidence: sorted(fleet.snapshotEvidence),
  };
}

describe('DynamoStore.loadFleetWithHistory', () => {
  let server: Awaited<ReturnType<typeof startLocalServer>>;
  beforeAll(async () => {
    server = await startLocalServer({ mode: 'in-process' });
  });
  afterAll(() => server.stop());

  const open = (now: number) =>
    openDynamoStore(
      { endpoint: server.endpoint, tableName: 'with-history' },
      { now: () => now, eventRetentionDays: 1, scanSegments: 2 },
    );

  it('returns what loadFleet and readHistory return, from one scan, with compacted and expired events', async () => {
    const writer = await open(WRITTEN);
    await writer.putEvents(OLD);
    await writer.compact();
    writer.close();
    const later = await open(READ);
    await later.putEvents(NEW);
    later.close();

    const apart = await open(READ);
    const expected = await bothReads(apart);
    const scansApart = apart.stats.readRequests;
    apart.close();
    const together = await open(READ);
    const got = await together.loadFleetWithHistory();
    const scans = together.stats.readRequests;
    together.close();

    expect(plain(got.fleet)).toEqual(plain(expected.fleet));
    expect(got.history).toEqual(expected.history);
    // One page per segment: one scan, where the two reads took two.
    expect([scans, scansApart]).toEqual([2, 4]);
    // The expired events are only in the fold; the future one in neither.
    expect(got.history.map((e) => e.id)).toEqual(['h1-b', 'b-1', 'gone-2', 'a-2', 'a-3', 'reused', 'reused']);
    expect(got.fleet?.vms.get('vm-old')?.name).toBe('kept');
    expect(got.fleet?.vms.has('vm-gone')).toBe(false);
    expect(got.fleet?.vms.has('vm-future')).toBe(false);
    expect(got.fleet?.vms.get('vm-a')).toMatchObject({ hostId: 'h2', vcpus: 4, powerState: 'poweredOff' });
    expect(got.fleet?.hosts.get('h1')).toMatchObject({ name: 'esx-1', memoryMiB: 2048 });

    // Snapshots and expired events hold what the history does not: the fleet comes along even when asked to stay out.
    const asked = await open(READ);
    const beyond = await asked.loadFleetWithHistory({ fleetOnlyBeyondHistory: true });
    asked.close();
    expect(plain(beyond.fleet)).toEqual(plain(expected.fleet));
    expect(beyond.history).toEqual(expected.history);
  });

  it('leaves the fleet out only when asked and the history holds every event of it', async () => {
    const store = await openDynamoStore(
      { endpoint: server.endpoint, tableName: 'history-only' },
      { now: () => READ, scanSegments: 2 },
    );
    await store.putEvents(NEW);
    const expected = await bothReads(store);
    const got = await store.loadFleetWithHistory({ fleetOnlyBeyondHistory: true });
    const whole = await store.loadFleetWithHistory();
    store.close();
    expect(got.fleet).toBeUndefined();
    expect(got.history).toEqual(expected.history);
    expect(plain(whole.fleet)).toEqual(plain(expected.fleet));
  });
});

describe('MemoryStore.loadFleetWithHistory', () => {
  it('returns what loadFleet and readHistory return, with out-of-order, re-delivered and future events', async () => {
    const store = new MemoryStore({ now: () => READ });
    await store.putEvents(NEW);
    await store.putEvents(OLD);
    const expected = await bothReads(store);
    const got = await store.loadFleetWithHistory();
    expect(plain(got.fleet)).toEqual(plain(expected.fleet));
    expect(got.history).toEqual(expected.history);
    expect(got.history.map((e) => e.id)).toEqual([
      'h1-a',
      'h2-a',
      'a-1',
      'gone-1',
      'old-vm',
      'h1-b',
      'b-1',
      'gone-2',
      'a-2',
      'a-3',
      'reused',
      'reused',
    ]);
    expect(got.fleet?.vms.get('vm-a')).toMatchObject({ hostId: 'h2', powerState: 'poweredOff' });
    expect(got.fleet?.vms.has('vm-future')).toBe(false);
    expect(await store.loadFleetWithHistory({ fleetOnlyBeyondHistory: true })).toEqual({ history: expected.history });
  });
});
