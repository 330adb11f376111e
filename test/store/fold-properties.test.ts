import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { compareEvents } from '../../src/model/event';
import { foldEvents, mergeStates, type EntityState } from '../../src/model/entity-state';
import { fleetToJson, materialiseFleet } from '../../src/model/fleet';

// Few entities, few distinct times, so generated events collide on fields and tie on time.
const vmId = fc.constantFrom('vm-a', 'vm-b', 'vm-c');
const hostId = fc.constantFrom('h-1', 'h-2');
const time = fc.constantFrom(
  '2025-01-01T00:00:00Z',
  '2025-01-01T02:00:00+02:00',
  '2025-01-01T00:00:01Z',
  '2025-01-02T00:00:00.250Z',
);
const body = fc.record(
  {
    name: fc.constantFrom('x', 'y', 'z'),
    hostId,
    perimeter: fc.constantFrom('p1', 'p2'),
    memoryMiB: fc.integer({ min: 0, max: 4 }),
    powerState: fc.constantFrom('poweredOn' as const, 'poweredOff' as const, 'suspended' as const),
    settings: fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 3 }))),
  },
  { requiredKeys: [] },
);

const eventShape = fc.oneof(
  fc.record({ type: fc.constant('vm.upsert' as const), vm: vmId, body }),
  fc.record({ type: fc.constantFrom('vm.remove' as const, 'vm.power_on' as const, 'vm.power_off' as const), vm: vmId }),
  fc.record({
    type: fc.constant('vm.migrate' as const),
    vm: vmId,
    to: hostId,
    kind: fc.constantFrom('live' as const, 'drs' as const),
  }),
  fc.record({ type: fc.constant('vm.clone' as const), vm: vmId, from: vmId, body }),
  fc.record({ type: fc.constant('host.upsert' as const), host: hostId, cluster: fc.constantFrom('c1', 'c2') }),
  fc.record({
    type: fc.constantFrom('host.remove' as const, 'host.connection_lost' as const, 'host.maintenance_enter' as const),
    host: hostId,
  }),
);

/** Events with unique ids (an id is the idempotency key: the same id always means the same event). */
const history = fc.array(fc.tuple(eventShape, time), { maxLength: 40 }).map((items) =>
  items.map(([shape, t], i): FleetEvent => {
    const base = { id: `e${i}`, time: t };
    switch (shape.type) {
      case 'vm.upsert':
        return { ...base, type: shape.type, vm: { id: shape.vm, ...shape.body } };
      case 'vm.remove':
      case 'vm.power_on':
      case 'vm.power_off':
        return { ...base, type: shape.type, vm: { id: shape.vm } };
      case 'vm.migrate':
        return { ...base, type: shape.type, migrate: { vmId: shape.vm, toHostId: shape.to, kind: shape.kind } };
      case 'vm.clone':
        return { ...base, type: shape.type, clone: { sourceVmId: shape.from, vm: { id: shape.vm, ...shape.body } } };
      case 'host.upsert':
        return { ...base, type: shape.type, host: { id: shape.host, cluster: shape.cluster } };
      default:
        return { ...base, type: shape.type, host: { id: shape.host } };
    }
  }),
);

/** Key order of objects is an insertion artefact; compare states and fleets as canonical JSON. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const states = (events: Iterable<FleetEvent>) =>
  canonical([...foldEvents(events).entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
const fleet = (s: Iterable<EntityState>) => canonical(fleetToJson(materialiseFleet(s)));
const shuffle = <T>(items: T[], keys: number[]) =>
  items
    .map((item, i) => ({ item, k: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.item);

describe('per-field last-writer-wins fold', () => {
  it('gives the same state whatever order the events arrive in', () => {
    fc.assert(
      fc.property(history, fc.array(fc.integer(), { minLength: 1 }), (events, keys) => {
        expect(states(shuffle(events, keys))).toBe(states(events));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same state when events are delivered more than once', () => {
    fc.assert(
      fc.property(history, fc.array(fc.nat(), { minLength: 1 }), (events, picks) => {
        const again = picks
          .map((p) => events[p % Math.max(events.length, 1)])
          .filter((e): e is FleetEvent => e !== undefined);
        expect(states([...events, ...again, ...events])).toBe(states(events));
      }),
      { numRuns: 300 },
    );
  });

  it('merging the folds of any split (with duplicates across parts) equals folding everything', () => {
    fc.assert(
      fc.property(history, fc.array(fc.boolean()), (events, sides) => {
        const a = events.filter((_, i) => sides[i] ?? true);
        const b = events.filter((_, i) => !(sides[i] ?? true) || i % 5 === 0);
        const fa = foldEvents(a);
        const fb = foldEvents(b);
        const merged = new Map(fa);
        // The store's path: a snapshot serialised as JSON, merged with the fold of newer events.
        for (const [k, s] of fb) {
          const prev = merged.get(k);
          merged.set(k, prev ? mergeStates(JSON.parse(JSON.stringify(prev)) as EntityState, s) : s);
        }
        expect(fleet(merged.values())).toBe(fleet(foldEvents(events).values()));
      }),
      { numRuns: 300 },
    );
  });

  it('merges two states the same way in either order', () => {
    fc.assert(
      fc.property(history, fc.array(fc.boolean()), (events, sides) => {
        const fa = foldEvents(events.filter((_, i) => sides[i] ?? true));
        const fb = foldEvents(events.filter((_, i) => !(sides[i] ?? true)));
        for (const [k, s] of fa) {
          const other = fb.get(k);
          if (other) expect(canonical(mergeStates(s, other))).toBe(canonical(mergeStates(other, s)));
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The powered-off spell as a person would read the history in time order (issue 15 item 12): it began with the
 * first `vm.power_off` after the last sign the VM was on (a power-on, or an upsert or clone reporting it on or
 * suspended) and after its last removal; an "off" from an upsert dates nothing.
 */
function offSpellByHand(events: readonly FleetEvent[], vm: string): { since?: string; lastRunning?: string } {
  const own = [...new Map(events.map((e) => [e.id, e])).values()]
    .filter((e) => {
      if (e.type === 'vm.clone') return e.clone.vm.id === vm;
      if (e.type === 'vm.migrate') return e.migrate.vmId === vm;
      return 'vm' in e && e.vm.id === vm;
    })
    .sort(compareEvents);
  const removal = own.filter((e) => e.type === 'vm.remove').at(-1);
  const afterRemoval = (e: FleetEvent) => removal === undefined || compareEvents(e, removal) > 0;
  const reported = (e: FleetEvent) =>
    e.type === 'vm.upsert' ? e.vm.powerState : e.type === 'vm.clone' ? e.clone.vm.powerState : undefined;
  let current: string | undefined;
  let since: string | undefined;
  let lastRunning: string | undefined;
  for (const e of own) {
    const state = e.type === 'vm.power_on' ? 'poweredOn' : e.type === 'vm.power_off' ? 'poweredOff' : reported(e);
    if (state === undefined) continue;
    if (afterRemoval(e)) current = state;
    if (state !== 'poweredOff') {
      since = undefined;
      lastRunning = afterRemoval(e) ? e.time : undefined;
    } else if (e.type === 'vm.power_off' && since === undefined && afterRemoval(e)) since = e.time;
  }
  if (current !== 'poweredOff') return { since: undefined, lastRunning: undefined };
  return { since, lastRunning };
}

describe('powered-off since (issue 15 item 12)', () => {
  it('is the first power-off after the last sign of life, whatever order, duplication or split the events come in', () => {
    fc.assert(
      fc.property(history, fc.array(fc.integer(), { minLength: 1 }), fc.array(fc.boolean()), (events, keys, sides) => {
        const a = shuffle(
          events.filter((_, i) => sides[i] ?? true),
          keys,
        );
        const b = events.filter((_, i) => !(sides[i] ?? true) || i % 3 === 0);
        const merged = new Map(foldEvents(a));
        for (const [k, s] of foldEvents([...b, ...b])) {
          const prev = merged.get(k);
          merged.set(k, prev ? mergeStates(JSON.parse(JSON.stringify(prev)) as EntityState, s) : s);
        }
        const fleetOf = materialiseFleet(merged.values());
        for (const [id, vm] of fleetOf.vms) {
          const spell = { since: vm.poweredOffSince, lastRunning: vm.lastSeenRunning };
          expect(spell, id).toEqual(offSpellByHand(events, id));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the earliest power-off of a continuous spell when a later duplicate report and a late snapshot arrive first', () => {
    const ev = (id: string, time: string, type: 'vm.power_off' | 'vm.power_on'): FleetEvent => ({
      id,
      time,
      type,
      vm: { id: 'vm-a' },
    });
    const snapshotOff: FleetEvent = {
      id: 'snap',
      time: '2025-03-01T00:00:00Z',
      type: 'vm.upsert',
      vm: { id: 'vm-a', powerState: 'poweredOff' },
    };
    const events = [
      snapshotOff,
      ev('off-dup', '2025-01-10T00:00:05Z', 'vm.power_off'),
      ev('off', '2025-01-10T00:00:00Z', 'vm.power_off'),
      ev('on', '2025-01-05T00:00:00Z', 'vm.power_on'),
      ev('off-old', '2025-01-01T00:00:00Z', 'vm.power_off'),
      ev('off', '2025-01-10T00:00:00Z', 'vm.power_off'),
    ];
    expect(materialiseFleet(foldEvents(events).values()).vms.get('vm-a')?.poweredOffSince).toBe('2025-01-10T00:00:00Z');
    // A power-on reported late, between the two power-offs, ends the first spell: the VM is off since the second.
    const late = [...events, ev('on-late', '2025-01-10T00:00:02Z', 'vm.power_on')];
    expect(materialiseFleet(foldEvents(late).values()).vms.get('vm-a')?.poweredOffSince).toBe('2025-01-10T00:00:05Z');
    // Only the snapshot says "off": nothing dates the change.
    expect(materialiseFleet(foldEvents([snapshotOff]).values()).vms.get('vm-a')?.poweredOffSince).toBeUndefined();
  });
});
