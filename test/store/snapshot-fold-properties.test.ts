import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { foldEvents, isLive, mergeStates, toPlain, type EntityState } from '../../src/model/entity-state';
import { fleetToJson, materialiseFleet } from '../../src/model/fleet';

// Fold laws of full snapshots (issue 21): complete upserts and scope-level inventory snapshots mixed with
// partial upserts and removals. Few ids, scopes and times so snapshots collide with everything else.
const vmId = fc.constantFrom('vm-a', 'vm-b', 'vm-c');
const hostId = fc.constantFrom('h-1', 'h-2');
const scope = fc.constantFrom({ source: 'vcenter', instance: 'vc-1' }, { source: 'vcenter', instance: 'vc-2' });
const TIMES = [
  '2025-01-01T00:00:00Z',
  '2025-01-01T02:00:00+02:00',
  '2025-01-01T00:00:01Z',
  '2025-01-01T00:00:02Z',
  '2025-01-02T00:00:00.250Z',
];
const time = fc.constantFrom(...TIMES);
const vmBody = fc.record(
  {
    name: fc.constantFrom('x', 'y'),
    memoryMiB: fc.integer({ min: 0, max: 3 }),
    powerState: fc.constantFrom('poweredOn' as const, 'poweredOff' as const),
    nics: fc.array(fc.record({ network: fc.constantFrom('n1', 'n2') }), { maxLength: 2 }),
    settings: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 3 }))),
    labels: fc.dictionary(fc.constantFrom('env', 'owner'), fc.constantFrom('p', 'q')),
  },
  { requiredKeys: [] },
);
const hostBody = fc.record(
  {
    cluster: fc.constantFrom('c1', 'c2'),
    services: fc.dictionary(fc.constantFrom('TSM-SSH', 'ntpd'), fc.record({ running: fc.boolean() })),
  },
  { requiredKeys: [] },
);
const vmComplete = fc.option(
  fc.oneof(
    fc.constant(true as const),
    fc.record({
      fields: fc.uniqueArray(fc.constantFrom('settings', 'nics', 'name', 'labels', 'powerState'), { minLength: 1 }),
    }),
  ),
  { nil: undefined },
);
const hostComplete = fc.option(
  fc.oneof(
    fc.constant(true as const),
    fc.record({ fields: fc.uniqueArray(fc.constantFrom('services', 'cluster'), { minLength: 1 }) }),
  ),
  { nil: undefined },
);

const eventShape = fc.oneof(
  fc.record({
    type: fc.constant('vm.upsert' as const),
    vm: vmId,
    body: vmBody,
    complete: vmComplete,
    scope: fc.option(scope, { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('host.upsert' as const),
    host: hostId,
    body: hostBody,
    complete: hostComplete,
    scope: fc.option(scope, { nil: undefined }),
  }),
  fc.record({ type: fc.constant('vm.remove' as const), vm: vmId }),
  // Power changes (issue 15 item 12): the powered-off spell must survive complete upserts and inventory snapshots.
  fc.record({ type: fc.constantFrom('vm.power_on' as const, 'vm.power_off' as const), vm: vmId }),
  fc.record({ type: fc.constant('vm.migrate' as const), vm: vmId, to: hostId }),
  fc.record({
    type: fc.constant('inventory.snapshot' as const),
    scope,
    vms: fc.option(fc.uniqueArray(vmId), { nil: undefined }),
    hosts: fc.option(fc.uniqueArray(hostId), { nil: undefined }),
    split: fc.boolean(),
  }),
);

/** Events with unique ids; a split inventory snapshot becomes two parts sharing its time. */
const history = fc.array(fc.tuple(eventShape, time), { maxLength: 30 }).map((items) =>
  items.flatMap(([shape, t], i): FleetEvent[] => {
    const base = { id: `e${i}`, time: t };
    switch (shape.type) {
      case 'vm.upsert':
        return [
          {
            ...base,
            type: shape.type,
            vm: { id: shape.vm, ...shape.body },
            ...(shape.complete && { complete: shape.complete }),
            ...(shape.scope && { scope: shape.scope }),
          },
        ];
      case 'host.upsert':
        return [
          {
            ...base,
            type: shape.type,
            host: { id: shape.host, ...shape.body },
            ...(shape.complete && { complete: shape.complete }),
            ...(shape.scope && { scope: shape.scope }),
          },
        ];
      case 'vm.remove':
      case 'vm.power_on':
      case 'vm.power_off':
        return [{ ...base, type: shape.type, vm: { id: shape.vm } }];
      case 'vm.migrate':
        return [{ ...base, type: shape.type, migrate: { vmId: shape.vm, toHostId: shape.to, kind: 'live' } }];
      case 'inventory.snapshot': {
        const lists = { ...(shape.vms && { vms: shape.vms }), ...(shape.hosts && { hosts: shape.hosts }) };
        if (!shape.split) return [{ ...base, type: shape.type, snapshot: { scope: shape.scope, ...lists } }];
        const half = <T>(xs: T[] | undefined, first: boolean) => xs?.filter((_, j) => (j % 2 === 0) === first);
        return [true, false].map((first, k) => ({
          ...base,
          id: `e${i}p${k + 1}`,
          type: shape.type,
          snapshot: {
            scope: shape.scope,
            ...(shape.vms && { vms: half(shape.vms, first)! }),
            ...(shape.hosts && { hosts: half(shape.hosts, first)! }),
            part: { index: k + 1, count: 2 },
          },
        }));
      }
    }
    const unknownShape: never = shape;
    throw new Error(`no event for shape ${JSON.stringify(unknownShape)}`);
  }),
);

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

const fleetOf = (events: Iterable<FleetEvent>) => canonical(fleetToJson(materialiseFleet(foldEvents(events).values())));
const statesOf = (events: Iterable<FleetEvent>) =>
  canonical([...foldEvents(events).entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
const shuffle = <T>(items: T[], keys: number[]) =>
  items
    .map((item, i) => ({ item, k: keys[i % Math.max(keys.length, 1)] ?? 0, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.item);
const ms = (t: string) => Date.parse(t);
/** Every key of `part` (recursively through plain objects) is in `whole` with the same value; arrays compare whole. */
function contains(whole: unknown, part: unknown): boolean {
  if (part === null || typeof part !== 'object' || Array.isArray(part)) return canonical(whole) === canonical(part);
  if (whole === null || typeof whole !== 'object' || Array.isArray(whole)) return false;
  return Object.entries(part).every(([k, v]) => contains((whole as Record<string, unknown>)[k], v));
}

describe('fold of full snapshots (complete upserts, inventory snapshots)', () => {
  it('gives the same state and fleet whatever order the events arrive in', () => {
    fc.assert(
      fc.property(history, fc.array(fc.integer(), { minLength: 1 }), (events, keys) => {
        const shuffled = shuffle(events, keys);
        expect(statesOf(shuffled)).toBe(statesOf(events));
        expect(fleetOf(shuffled)).toBe(fleetOf(events));
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same fleet when snapshots and events are delivered more than once', () => {
    fc.assert(
      fc.property(history, fc.array(fc.nat(), { minLength: 1 }), (events, picks) => {
        const again = picks
          .map((p) => events[p % Math.max(events.length, 1)])
          .filter((e): e is FleetEvent => e !== undefined);
        expect(fleetOf([...events, ...again, ...events])).toBe(fleetOf(events));
      }),
      { numRuns: 300 },
    );
  });

  it('merging stored snapshots (as JSON) of any split with the fold of the rest equals folding everything', () => {
    fc.assert(
      fc.property(history, fc.array(fc.boolean()), (events, sides) => {
        const fa = foldEvents(events.filter((_, i) => sides[i] ?? true));
        const fb = foldEvents(events.filter((_, i) => !(sides[i] ?? true) || i % 4 === 0));
        const merged = new Map(fa);
        for (const [k, s] of fb) {
          const prev = merged.get(k);
          merged.set(k, prev ? mergeStates(JSON.parse(JSON.stringify(prev)) as EntityState, s) : s);
        }
        expect(canonical(fleetToJson(materialiseFleet(merged.values())))).toBe(fleetOf(events));
      }),
      { numRuns: 300 },
    );
  });

  it('a snapshot older than every other event changes no value they wrote and removes nothing they assert', () => {
    const late = fc.oneof(
      // No scope: naming one is news (which inventories cover the VM), not a stale value.
      fc.record({
        kind: fc.constant('vm' as const),
        id: vmId,
        body: vmBody,
        complete: vmComplete.filter((c) => c !== undefined),
      }),
      fc.record({
        kind: fc.constant('inventory' as const),
        scope,
        vms: fc.uniqueArray(vmId),
        hosts: fc.uniqueArray(hostId),
      }),
    );
    fc.assert(
      fc.property(history, late, (events, old) => {
        const t = '2024-12-31T00:00:00Z';
        const event: FleetEvent =
          old.kind === 'vm'
            ? { id: 'late', time: t, type: 'vm.upsert', vm: { id: old.id, ...old.body }, complete: old.complete! }
            : {
                id: 'late',
                time: t,
                type: 'inventory.snapshot',
                snapshot: { scope: old.scope, vms: old.vms, hosts: old.hosts },
              };
        const before = materialiseFleet(foldEvents(events).values());
        const after = materialiseFleet(foldEvents([...events, event]).values());
        // It may fill fields and map keys nobody newer wrote (last-writer-wins); it must not change or remove any.
        for (const [id, vm] of before.vms) expect(contains(after.vms.get(id), vm)).toBe(true);
        for (const [id, host] of before.hosts) expect(contains(after.hosts.get(id), host)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes after a snapshot survive it, and entities asserted after it stay live', () => {
    const snapshot = fc.oneof(
      fc.record({
        kind: fc.constant('vm' as const),
        id: vmId,
        body: vmBody,
        complete: fc.constant(true as const),
        scope,
      }),
      fc.record({
        kind: fc.constant('inventory' as const),
        scope,
        vms: fc.uniqueArray(vmId),
        hosts: fc.uniqueArray(hostId),
      }),
    );
    fc.assert(
      fc.property(history, snapshot, fc.constantFrom(...TIMES), (events, snap, t) => {
        const event: FleetEvent =
          snap.kind === 'vm'
            ? {
                id: 'snap',
                time: t,
                type: 'vm.upsert',
                vm: { id: snap.id, ...snap.body },
                complete: true,
                scope: snap.scope,
              }
            : {
                id: 'snap',
                time: t,
                type: 'inventory.snapshot',
                snapshot: { scope: snap.scope, vms: snap.vms, hosts: snap.hosts },
              };
        const before = foldEvents(events);
        const after = foldEvents([...events, event]);
        materialiseFleet(before.values());
        materialiseFleet(after.values());
        // A complete upsert that names a scope makes the entity a member of it, so an inventory snapshot of that scope
        // in the history (even a later one) now speaks for it and may remove it: that is the contract, not a lost write.
        const sameScope = (a: { source: string; instance: string }, b: { source: string; instance: string }) =>
          a.source === b.source && a.instance === b.instance;
        const joinsInventoriedScope =
          snap.kind === 'vm' &&
          events.some((e) => e.type === 'inventory.snapshot' && sameScope(e.snapshot.scope, snap.scope));
        // And it leaves the scope it was in: an inventory of that scope in the history no longer speaks for it, so an
        // entity that inventory removed comes back (its membership is the snapshot's, stamped at the snapshot's time).
        const leavesInventoriedScope =
          snap.kind === 'vm' &&
          events.some((e) => e.type === 'inventory.snapshot' && !sameScope(e.snapshot.scope, snap.scope));
        for (const [key, state] of before) {
          if (state.kind === 'scope') continue;
          if (joinsInventoriedScope && state.kind === 'vm' && state.id === snap.id) continue;
          const now = after.get(key)!;
          const plainNow = toPlain(now);
          const plainBefore = toPlain(state);
          const valueAt = (plain: Record<string, unknown>, top: string, sub: string | undefined) =>
            sub === undefined ? plain[top] : (plain[top] as Record<string, unknown> | undefined)?.[sub];
          for (const [path, field] of Object.entries(state.fields)) {
            // Strictly newer than the snapshot (the same instant with a larger id is newer too, but keep it simple).
            if (ms(field.s.time) <= ms(t) || !isLive(state)) continue;
            expect(now.fields[path]).toEqual(field);
            // What the write shows stays shown. A write at the same instant as an earlier removal of the history, with
            // a smaller id, was already hidden before the snapshot came (a counterexample fast-check found): compare
            // with what was visible, not with the stored value.
            const [top, sub] = path.split('/') as [string, string | undefined];
            expect(canonical(valueAt(plainNow, top, sub))).toBe(canonical(valueAt(plainBefore, top, sub)));
          }
          if (state.seen && ms(state.seen.time) > ms(t)) {
            if (leavesInventoriedScope && state.kind === 'vm' && state.id === snap.id) {
              if (isLive(state)) expect(isLive(now)).toBe(true);
            } else expect(isLive(now)).toBe(isLive(state));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
