import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState, foldEvents, toPlain, type EntityState } from '../../src/model/entity-state';
import { sortEvents, type FleetEvent } from '../../src/model/event';
import { materialiseFleet, type Fleet } from '../../src/model/fleet';
import { isSingleUpsert, shapeSignatures, singleUpsertOf, singleUpsertPlain } from '../../src/model/single-upsert';
import { replayHistory } from '../../src/simulation/replay';

const time = '2026-12-01T00:00:00Z';

/** Upserts of the shapes a fleet brings, and of the ones only the fold reads right. */
function upserts(): FleetEvent[] {
  const vm = (id: string, body: Record<string, unknown>) =>
    ({ id: `e-${id}`, time, type: 'vm.upsert', vm: { id, ...body } }) as FleetEvent;
  return [
    vm('plain', {
      name: 'app1-1',
      hostId: 'h1',
      vcpus: 4,
      memoryMiB: 8192,
      powerState: 'poweredOn',
      settings: { 'isolation.tools.copy.disable': 'TRUE' },
      labels: { role: 'db', app: 'app1' },
      workload: { cpuAvgPct: 20, cpuPeakPct: 70, peakHourUtc: 9 },
    }),
    // The same shape again: read through the cached plan.
    vm('again', { name: 'x', hostId: 'h2', vcpus: 2, memoryMiB: 4096, powerState: 'poweredOff', labels: {} }),
    vm('nulls', { name: null, hostId: 'h1', labels: { app: null, role: 'web' }, settings: null, workload: [] }),
    vm('empty-maps', { labels: {}, settings: {}, services: { ssh: { running: true } } }),
    vm('all-null-map', { labels: { app: null } }),
    vm('two-spellings', {
      settings: { 'Isolation.Tools.Copy.Disable': 'TRUE', 'isolation.tools.copy.disable': 'FALSE' },
    }),
    vm('proto', JSON.parse('{"labels": {"__proto__": "x", "app": "a"}}') as Record<string, unknown>),
    vm('slash', { 'labels/app': 'sneaky', labels: { app: 'real' } }),
    vm('keys-sorting', { zeta: 1, labels: { b: '1', a: '2' }, 'labels-x': 3, label: 4, updatedAt: 'stale' }),
    { id: 'e-h', time, type: 'host.upsert', host: { id: 'h1', cluster: 'c1', settings: { 'Net.X': 1 } } },
    { id: 'e-p', time, type: 'perimeter.upsert', perimeter: { id: 'p1', name: 'pci' } } as FleetEvent,
  ];
}

describe('an entity whose history is one upsert', () => {
  it('reads as toPlain of its fold: same keys in the same order, null-prototype maps, same values', () => {
    for (const event of upserts()) {
      const single = singleUpsertOf(event)!;
      expect(single).toBeDefined();
      const plain = singleUpsertPlain(single);
      const folded = toPlain(applyEvent(emptyState(single.kind, single.id), event));
      if (plain === undefined) continue;
      expect([event.id, JSON.stringify(plain)]).toEqual([event.id, JSON.stringify(folded)]);
      expect(plain).toStrictEqual(folded);
      for (const [key, value] of Object.entries(folded))
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
          expect([key, Object.getPrototypeOf((plain as Record<string, object>)[key])]).toEqual([
            key,
            Object.getPrototypeOf(value),
          ]);
    }
  });

  it('reads each body as its fold after a body of a nearly equal shape, whichever shape was planned last', () => {
    const vm = (id: string, body: Record<string, unknown>) =>
      ({ id: `e-${id}`, time, type: 'vm.upsert', vm: { id, ...body } }) as FleetEvent;
    const base = { name: 'n', labels: { app: 'a', role: 'r' }, settings: { 'a.b': 1 }, vcpus: 2 };
    const nearly: Record<string, unknown>[] = [
      base,
      { ...base, vcpus: 4 },
      { ...base, labels: { app: 'a' } },
      { ...base, labels: { role: 'r', app: 'a' } },
      { ...base, labels: { app: 'a', role: 'r', tier: 't' } },
      { ...base, labels: 'not a map' },
      { ...base, labels: {} },
      { ...base, settings: undefined },
      { ...base, vcpus: undefined },
      { vcpus: 2, name: 'n', labels: { app: 'a', role: 'r' }, settings: { 'a.b': 1 } },
      { ...base, memoryMiB: 1 },
      { name: 'n', labels: { app: 'a', role: 'r' }, settings: { 'a.b': 1 }, memoryMiB: 2 },
      { ...base, labels: { app: 'a', other: 'r' } },
      { name: 'n', labels: { app: 'a', role: 'r' }, settings: { 'a.b': 1 } },
      // The keys of a shape's start only: the plan of the whole shape would read a map the body has not got.
      { name: 'n', labels: { app: 'a', role: 'r' } },
      { ...base, settings: { 'A.B': 1, 'a.b': 2 } },
      { ...base, name: { app: 'a', role: 'r' } },
      base,
    ];
    // Every body after every other one, so each is read with any of them planned last.
    for (const before of nearly)
      for (const [i, body] of nearly.entries()) {
        singleUpsertPlain(singleUpsertOf(vm('before', before))!);
        const event = vm(`v${i}`, body);
        const plain = singleUpsertPlain(singleUpsertOf(event)!);
        const folded = toPlain(applyEvent(emptyState('vm', `v${i}`), event));
        if (plain === undefined) continue;
        expect([i, JSON.stringify(plain)]).toEqual([i, JSON.stringify(folded)]);
        expect(plain).toStrictEqual(folded);
      }
  });

  it('plans each of a few shapes met in turns once, and reads every body as its fold', () => {
    const vm = (id: string, body: Record<string, unknown>) =>
      ({ id: `e-${id}`, time, type: 'vm.upsert', vm: { id, ...body } }) as FleetEvent;
    const shapes: ((i: number) => Record<string, unknown>)[] = [
      (i) => ({ name: `a${i}`, settings: { 'a.b': i, 'c.d': 'x' }, labels: { app: `app${i % 3}` } }),
      (i) => ({ name: `b${i}`, settings: { 'a.b': i }, labels: { app: `app${i % 3}` } }),
      (i) => ({ name: `c${i}`, hostId: 'h1', settings: { 'c.d': 'y', 'a.b': i } }),
      (i) => ({ name: `d${i}`, labels: { role: 'r' }, vcpus: i }),
    ];
    const bodies = Array.from({ length: 200 }, (_, i) => shapes[(i * 7 + (i >> 2)) % shapes.length]!(i));
    for (const [i, body] of bodies.slice(0, 8).entries()) singleUpsertPlain(singleUpsertOf(vm(`w${i}`, body))!);
    const before = shapeSignatures();
    for (const [i, body] of bodies.entries()) {
      const event = vm(`v${i}`, body);
      expect(singleUpsertPlain(singleUpsertOf(event)!)).toStrictEqual(
        toPlain(applyEvent(emptyState('vm', `v${i}`), event)),
      );
    }
    expect(shapeSignatures() - before).toBe(0);
  });

  it('remembers the 8 shapes met last, a shape met again moved first, the one met longest ago dropped', () => {
    const vm = (id: string, body: Record<string, unknown>) =>
      ({ id: `e-${id}`, time, type: 'vm.upsert', vm: { id, ...body } }) as FleetEvent;
    let n = 0;
    /** Whether reading a body of shape `j` built a signature (the shape was not among those remembered). */
    const signs = (j: number) => {
      const before = shapeSignatures();
      const id = `r${n++}`;
      const event = vm(id, { name: 'n', [`recent${j}`]: j });
      expect(singleUpsertPlain(singleUpsertOf(event)!)).toStrictEqual(toPlain(applyEvent(emptyState('vm', id), event)));
      return shapeSignatures() - before;
    };
    for (let j = 0; j < 8; j++) expect(signs(j)).toBe(1);
    expect(signs(0)).toBe(0); // met again: first now
    expect(signs(8)).toBe(1); // a ninth: shape 1, met longest ago, is dropped
    expect(signs(0)).toBe(0);
    expect(signs(1)).toBe(1);
  });

  it('leaves the shapes only the fold reads right to the fold', () => {
    const byId = new Map(upserts().map((e) => [e.id, singleUpsertOf(e)!]));
    for (const id of ['e-two-spellings', 'e-proto', 'e-slash'])
      expect(singleUpsertPlain(byId.get(id)!)).toBeUndefined();
    expect(singleUpsertPlain(byId.get('e-plain')!)).toBeDefined();
  });

  it('is told from a folded state by a mark no stored state can carry, not by a field a JSON state could spell', () => {
    const event = upserts()[0]!;
    // A state as a store reads it back (JSON.parse of its item), carrying a stray `single` field.
    const stored = JSON.parse(
      JSON.stringify({ ...applyEvent(emptyState('vm', 'plain'), event), single: true }),
    ) as EntityState;
    expect(isSingleUpsert(stored)).toBe(false);
    expectSameFleet(materialiseFleet([stored]), materialiseFleet([singleUpsertOf(event)!]));
  });

  it('is not taken for upserts that complete or name a scope, nor for other events', () => {
    const scope = { source: 'vsphere', instance: 'vc1' };
    expect(singleUpsertOf({ id: 'a', time, type: 'vm.upsert', vm: { id: 'v' }, complete: true })).toBeUndefined();
    expect(singleUpsertOf({ id: 'b', time, type: 'host.upsert', host: { id: 'h' }, scope })).toBeUndefined();
    expect(singleUpsertOf({ id: 'c', time, type: 'vm.remove', vm: { id: 'v' } })).toBeUndefined();
  });

  it('materialises into the fleet the folded states give, entity for entity and in the same order', () => {
    const events = upserts();
    const singles = events.map((e) => singleUpsertOf(e)!);
    const viaSingles = materialiseFleet(singles);
    const viaFold = materialiseFleet(foldEvents(events).values());
    expectSameFleet(viaSingles, viaFold);
  });

  it('keeps `__proto__` and `constructor` settings from event data as own keys of a null-prototype map', () => {
    // As JSON.parse gives it: an own `__proto__` key whose value is an object (what would set a prototype if assigned).
    const body = JSON.parse(
      '{"id": "hostile", "hostId": "h1", "settings": {"__proto__": {"polluted": "yes"}, "constructor": "c", "a": "1"}}',
    ) as Record<string, unknown>;
    const events: FleetEvent[] = [{ id: 'e-hostile', time, type: 'vm.upsert', vm: body } as FleetEvent];
    const replayed = replayHistory(events, { steps: 288, stepSeconds: 300 }).fleet.vms.get('hostile')!;
    const plain = singleUpsertPlain(singleUpsertOf(events[0]!)!);
    const folded = toPlain(applyEvent(emptyState('vm', 'hostile'), events[0]!));
    for (const settings of [replayed.settings, folded.settings, plain?.settings].filter((s) => s !== undefined)) {
      const map = settings as Record<string, unknown>;
      expect(Object.getPrototypeOf(map)).toBeNull();
      expect(Object.keys(map).sort()).toEqual(['__proto__', 'a', 'constructor']);
      expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toEqual({ polluted: 'yes' });
      expect(map.constructor).toBe('c');
      expect('polluted' in map).toBe(false);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Without `__proto__` the plan path builds the map as a plain object first: names Object.prototype holds
    // become own data keys all the same.
    const named: FleetEvent = {
      id: 'e-named',
      time,
      type: 'vm.upsert',
      vm: { id: 'named', settings: { constructor: 'c', toString: 't', hasOwnProperty: 'h', valueOf: 'v' } },
    } as FleetEvent;
    const viaPlan = singleUpsertPlain(singleUpsertOf(named)!)!.settings as Record<string, unknown>;
    expect(Object.getPrototypeOf(viaPlan)).toBeNull();
    expect(Object.entries(viaPlan)).toEqual([
      ['constructor', 'c'],
      ['hasOwnProperty', 'h'],
      ['toString', 't'],
      ['valueOf', 'v'],
    ]);
  });

  it('replays into the fleet and placement the fold gives, also when a later event folds the upsert', () => {
    const events: FleetEvent[] = [
      ...upserts(),
      {
        id: 'e-z1',
        time: '2026-12-01T01:00:00Z',
        type: 'vm.migrate',
        migrate: { vmId: 'plain', toHostId: 'h2', kind: 'live' },
      },
      { id: 'e-z2', time: '2026-12-01T02:00:00Z', type: 'vm.remove', vm: { id: 'again' } },
      { id: 'e-z3', time: '2026-12-01T03:00:00Z', type: 'vm.power_off', vm: { id: 'nulls' } },
    ];
    const replay = replayHistory(events, { steps: 288, stepSeconds: 300 });
    // The fold of the events in event order (the replay's order).
    const fold = materialiseFleet(foldEvents(sortEvents([...events])).values());
    // The removed VM ran part of the window, so the replay keeps its last live shape.
    expect(replay.fleet.vms.has('again')).toBe(true);
    replay.fleet.vms.delete('again');
    expectSameFleet(replay.fleet, fold);
    // The window ends on the newest event (03:00): 00:00 is step 251, 01:00 step 263, 03:00 step 287.
    expect(replay.placement.get('plain')).toEqual([
      { fromStep: 0, hostId: null },
      { fromStep: 251, hostId: 'h1' },
      { fromStep: 263, hostId: 'h2' },
    ]);
    expect(replay.placement.get('nulls')).toEqual([
      { fromStep: 0, hostId: null },
      { fromStep: 251, hostId: 'h1' },
      { fromStep: 287, hostId: null },
    ]);
    expect(replay.placement.get('again')).toEqual([{ fromStep: 0, hostId: null }]);
    expect(replay.placement.get('empty-maps')).toEqual([{ fromStep: 0, hostId: null }]);
  });
});

function expectSameFleet(a: Fleet, b: Fleet): void {
  for (const key of ['hosts', 'vms', 'perimeters'] as const) {
    expect([key, [...a[key].keys()]]).toEqual([key, [...b[key].keys()]]);
    for (const [id, entity] of b[key]) {
      expect([key, id, JSON.stringify(a[key].get(id))]).toEqual([key, id, JSON.stringify(entity)]);
      expect(a[key].get(id)).toStrictEqual(entity);
    }
  }
}
