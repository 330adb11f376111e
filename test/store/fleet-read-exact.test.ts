import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, emptyState, foldEvents } from '../../src/model/entity-state';
import { compareEvents, type FleetEvent } from '../../src/model/event';
import { fleetToJson, materialiseFleet, type Fleet } from '../../src/model/fleet';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { CONFIG_MEMBERS } from '../../src/store/event-split';
import { eventItem, eventKey } from '../../src/store/items';
import { createDynamoClient } from '../../src/store/open-store';
import { LocalStores } from '../integration/local-store';

/**
 * The fleet read (`loadFleet`, `loadFleetWithHistory`) materialises an entity whose one event is a plain upsert
 * without folding it, and the embedded store skips non-entity partitions when scanning. Whatever the history, both
 * reads must give exactly the fold of every stored event (the definition of the fleet: docs/store.md, "Order
 * independence"), with snapshots written in between and events arriving after them, older and newer.
 */

const vc = { source: 'vcenter', instance: 'vc-1' };
const vmId = fc.constantFrom('vm-a', 'vm-b', 'vm-c', 'vm-d');
const hostId = fc.constantFrom('h-1', 'h-2');
const time = fc.constantFrom(
  '2025-01-01T00:00:00Z',
  '2025-01-01T02:00:00+02:00',
  '2025-01-01T00:00:01Z',
  '2025-01-02T00:00:00.250Z',
  '2025-01-03T00:00:00Z',
);
const vmBody = fc.record(
  {
    name: fc.constantFrom('x', 'y'),
    hostId,
    perimeter: fc.constantFrom('p1', 'p2'),
    memoryMiB: fc.integer({ min: 0, max: 4 }),
    powerState: fc.constantFrom('poweredOn' as const, 'poweredOff' as const),
    settings: fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 3 }))),
    labels: fc.dictionary(fc.constantFrom('app', 'role'), fc.constantFrom('web', 'db')),
  },
  { requiredKeys: [] },
);
const shape = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('vm.upsert' as const), vm: vmId, body: vmBody }), weight: 5 },
  {
    arbitrary: fc.record({
      type: fc.constant('vm.upsert.scoped' as const),
      vm: vmId,
      body: vmBody,
      complete: fc.boolean(),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ type: fc.constantFrom('vm.remove' as const, 'vm.power_off' as const), vm: vmId }),
    weight: 2,
  },
  { arbitrary: fc.record({ type: fc.constant('vm.migrate' as const), vm: vmId, to: hostId }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('vm.clone' as const), vm: vmId, from: vmId, body: vmBody }), weight: 1 },
  {
    arbitrary: fc.record({
      type: fc.constant('host.upsert' as const),
      host: hostId,
      cluster: fc.constantFrom('c1', 'c2'),
      settings: fc.option(fc.dictionary(fc.constantFrom('a', 'B'), fc.integer({ min: 0, max: 3 })), { nil: undefined }),
      services: fc.option(fc.dictionary(fc.constantFrom('ntpd', 'TSM'), fc.record({ running: fc.boolean() })), {
        nil: undefined,
      }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ type: fc.constant('host.remove' as const), host: hostId }), weight: 1 },
  {
    arbitrary: fc.record({ type: fc.constant('perimeter.upsert' as const), name: fc.constantFrom('dmz', 'lan') }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      type: fc.constant('inventory.snapshot' as const),
      vms: fc.uniqueArray(vmId, { maxLength: 3 }),
    }),
    weight: 1,
  },
);

/** Events with unique ids (an id is the idempotency key: one id always means one event). */
const history = fc.array(fc.tuple(shape, time), { minLength: 1, maxLength: 30 }).map((items) =>
  items.map(([s, t], i): FleetEvent => {
    const base = { id: `e${i}`, time: t };
    switch (s.type) {
      case 'vm.upsert':
        return { ...base, type: 'vm.upsert', vm: { id: s.vm, ...s.body } };
      case 'vm.upsert.scoped':
        return {
          ...base,
          type: 'vm.upsert',
          scope: vc,
          vm: { id: s.vm, ...s.body },
          ...(s.complete && { complete: true as const }),
        };
      case 'vm.remove':
      case 'vm.power_off':
        return { ...base, type: s.type, vm: { id: s.vm } };
      case 'vm.migrate':
        return { ...base, type: 'vm.migrate', migrate: { vmId: s.vm, toHostId: s.to, kind: 'live' } };
      case 'vm.clone':
        return { ...base, type: 'vm.clone', clone: { sourceVmId: s.from, vm: { id: s.vm, ...s.body } } };
      case 'host.upsert':
        return {
          ...base,
          type: 'host.upsert',
          host: {
            id: s.host,
            ...(s.settings && { settings: s.settings }),
            name: s.host,
            ...(s.services && { services: s.services }),
            cluster: s.cluster,
          },
        };
      case 'host.remove':
        return { ...base, type: 'host.remove', host: { id: s.host } };
      case 'perimeter.upsert':
        return { ...base, type: 'perimeter.upsert', perimeter: { id: 'p1', name: s.name } };
      default:
        return { ...base, type: 'inventory.snapshot', snapshot: { scope: vc, vms: s.vms } };
    }
  }),
);

/** A fleet as plain data, snapshot evidence included, for a deep comparison. */
function plain(fleet: Fleet | undefined) {
  if (fleet === undefined) return undefined;
  return { ...fleetToJson(fleet), evidence: [...(fleet.snapshotEvidence ?? new Map())].sort() };
}

/** `plain`, every entity without the members the split keeps apart: what the simulation's read is exact about. */
function plainWithout(fleet: Fleet | undefined) {
  const whole = plain(fleet);
  if (whole === undefined) return undefined;
  const strip =
    (names: readonly string[]) =>
    <T extends object>(entity: T) =>
      Object.fromEntries(Object.entries(entity).filter(([k]) => !names.includes(k)));
  return {
    ...whole,
    hosts: whole.hosts.map(strip(CONFIG_MEMBERS['host.upsert']!.names)),
    vms: whole.vms.map(strip(CONFIG_MEMBERS['vm.upsert']!.names)),
  };
}

/** The event without its configuration members (src/store/event-split.ts), as the simulation's read gives it. */
function withoutConfiguration(event: FleetEvent): FleetEvent {
  const spec = CONFIG_MEMBERS[event.type];
  if (spec === undefined) return event;
  const body = (event as unknown as Record<string, Record<string, unknown>>)[spec.body]!;
  return { ...event, [spec.body]: Object.fromEntries(Object.entries(body).filter(([k]) => !spec.names.includes(k))) };
}

/** The definition: every stored event folded, in any order, into one state per entity. */
function foldedFleet(events: readonly FleetEvent[]): Fleet {
  return materialiseFleet(foldEvents(events).values());
}

describe('the fleet read gives exactly the fold of every stored event', () => {
  let stores: LocalStores;
  beforeAll(async () => {
    stores = await LocalStores.start();
  });
  afterAll(() => stores.stop());

  it('with snapshots written part-way and older and newer events stored after them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.nat(), fc.boolean(), async (events, cut, compactTwice) => {
        const store = await stores.open();
        const split = cut % (events.length + 1);
        // Stored in reverse of their order in the history: out of event order, late ones after the snapshot.
        await store.putEvents(events.slice(0, split).reverse());
        await store.compact();
        await store.putEvents(events.slice(split).reverse());
        if (compactTwice) await store.compact();
        // A re-delivery after everything: duplicates change nothing.
        await store.putEvents(events.slice(0, Math.ceil(split / 2)));
        const expected = plain(foldedFleet(events));
        expect(plain(await store.loadFleet())).toEqual(expected);
        const both = await store.loadFleetWithHistory();
        expect(plain(both.fleet)).toEqual(expected);
        const unique = [...new Map(events.map((e) => [`${e.id}`, e])).values()].sort(compareEvents);
        expect(both.history.map((e) => e.id)).toEqual(unique.map((e) => e.id));
        // Every event whole, member order included: the configuration members joined back where they were.
        const byId = new Map(events.map((e) => [e.id, JSON.stringify(e)]));
        expect(both.history.map((e) => JSON.stringify(e))).toEqual(both.history.map((e) => byId.get(e.id)));
        // The simulation's read: the same but for the configuration members (a snapshot may still hold some).
        const bare = await store.loadFleetWithHistory({ leaveOutConfiguration: true });
        expect(plainWithout(bare.fleet)).toEqual(plainWithout(foldedFleet(events)));
        expect(bare.history.map((e) => JSON.stringify(e))).toEqual(
          both.history.map((e) => JSON.stringify(withoutConfiguration(e))),
        );
      }),
      { numRuns: 25 },
    );
  });

  it('materialises each entity of a fleet ingested once as its upsert says, removed entities left out', async () => {
    const store = await stores.open();
    const events: FleetEvent[] = [
      { id: 'h', time: '2025-01-01T00:00:00Z', type: 'host.upsert', host: { id: 'h-1', name: 'esx', cluster: 'c1' } },
      {
        id: 'v',
        time: '2025-01-01T00:00:00Z',
        type: 'vm.upsert',
        vm: { id: 'vm-1', name: 'web', hostId: 'h-1', settings: { 'isolation.tools.copy.disable': 'TRUE' } },
      },
      { id: 'p', time: '2025-01-01T00:00:00Z', type: 'perimeter.upsert', perimeter: { id: 'p1', name: 'dmz' } },
      { id: 'r', time: '2025-01-02T00:00:00Z', type: 'vm.remove', vm: { id: 'vm-2' } },
      { id: 'off', time: '2025-01-02T00:00:00Z', type: 'vm.upsert', vm: { id: 'vm-3', powerState: 'poweredOff' } },
    ];
    await store.putEvents(events);
    const fleet = await store.loadFleet();
    expect(plain(fleet)).toEqual(plain(foldedFleet(events)));
    expect([...fleet.vms.keys()].sort()).toEqual(['vm-1', 'vm-3']);
    expect(fleet.vms.get('vm-1')).toMatchObject({ name: 'web', hostId: 'h-1', updatedAt: '2025-01-01T00:00:00Z' });
  });

  it('reads items stored before the split (members in `e`) next to split ones exactly, in every read', async () => {
    const store = await stores.open();
    const client = createDynamoClient({ endpoint: stores.server.endpoint });
    const events: FleetEvent[] = [
      {
        id: 'old-h',
        time: '2025-01-01T00:00:00Z',
        type: 'host.upsert',
        host: {
          id: 'h-1',
          settings: { 'UserVars.DcuiTimeOut': 600 },
          cluster: 'c1',
          services: { ntpd: { running: true } },
        },
      },
      {
        id: 'old-v',
        time: '2025-01-01T00:00:00Z',
        type: 'vm.upsert',
        vm: { id: 'vm-1', settings: { 'isolation.tools.copy.disable': 'TRUE' }, hostId: 'h-1' },
      },
      {
        id: 'new-v',
        time: '2025-01-02T00:00:00Z',
        type: 'vm.upsert',
        vm: { id: 'vm-1', name: 'web', settings: { 'isolation.tools.paste.disable': 'TRUE' }, powerState: 'poweredOn' },
      },
    ];
    const expiresAt = String(Math.floor(Date.now() / 1000) + 86_400);
    // The first two as an earlier version stored them: the whole event in `e`, no `c`.
    for (const e of events.slice(0, 2)) {
      const key = eventKey(e);
      await client.send(
        new PutItemCommand({
          TableName: store.tableName,
          Item: {
            pk: { S: key.pk },
            sk: { S: key.sk },
            e: { S: JSON.stringify(e) },
            at: { N: '0' },
            expiresAt: { N: expiresAt },
          },
        }),
      );
    }
    expect((await store.putEvents(events)).duplicates).toBe(2);
    const split = eventItem(events[2]!, JSON.stringify(events[2]), eventKey(events[2]!), 0, 0);
    expect(split.c).toBeDefined();
    const expected = plain(foldedFleet(events));
    expect(plain(await store.loadFleet())).toEqual(expected);
    const both = await store.loadFleetWithHistory();
    expect(plain(both.fleet)).toEqual(expected);
    expect(both.history.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
    const history: FleetEvent[] = [];
    for await (const e of store.readHistory()) history.push(e);
    expect(history.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
    // The simulation's read leaves out what the split holds apart; an old item still carries its members in `e`.
    const bare = await store.loadFleetWithHistory({ leaveOutConfiguration: true });
    expect(bare.history.map((e) => JSON.stringify(e))).toEqual(
      [events[0]!, events[1]!, withoutConfiguration(events[2]!)].map((e) => JSON.stringify(e)),
    );
    await store.compact();
    expect(plain(await store.loadFleet())).toEqual(expected);
  });

  it("folds an upsert stored under another entity's key into that entity, as the fold of its partition does", async () => {
    const store = await stores.open();
    const stray: FleetEvent = {
      id: 'stray',
      time: '2025-01-01T00:00:00Z',
      type: 'vm.upsert',
      vm: { id: 'vm-other', name: 'other' },
    };
    await createDynamoClient({ endpoint: stores.server.endpoint }).send(
      new PutItemCommand({
        TableName: store.tableName,
        Item: {
          pk: { S: 'VM#vm-here' },
          sk: { S: 'EV#2025-01-01T00:00:00.000Z#stray' },
          e: { S: JSON.stringify(stray) },
          at: { N: '0' },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 86_400) },
        },
      }),
    );
    const expected = materialiseFleet([applyEvent(emptyState('vm', 'vm-here'), stray)]);
    const read = async (s: DynamoStore) => [await s.loadFleet(), (await s.loadFleetWithHistory()).fleet];
    for (const fleet of await read(store)) {
      expect(plain(fleet)).toEqual(plain(expected));
      expect([...fleet!.vms.keys()]).toEqual(['vm-here']);
    }
  });
});
