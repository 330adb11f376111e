import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyState } from '../../src/model/entity-state';
import type { FleetEvent } from '../../src/model/event';
import { materialiseFleet, type Fleet } from '../../src/model/fleet';
import { singleUpsertOf } from '../../src/model/single-upsert';
import { replayHistory } from '../../src/simulation/replay';
import { foldEvents } from '../../src/model/entity-state';
import { sortEvents } from '../../src/model/event';

/** Keys a hostile or odd body may bring: prototype names, map fields, fields the fleet rewrites, integer-like keys. */
const topKeys = [
  'name',
  'hostId',
  'powerState',
  'cluster',
  'datacenter',
  'perimeter',
  'clonedFrom',
  'updatedAt',
  'movements',
  'settings',
  'services',
  'labels',
  'workload',
  'Settings',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__proto__',
  'labels/app',
  'settings-x',
  'settings0',
  '10',
  '9',
  'id',
];
const subKeys = [
  'a',
  'A',
  'b',
  'Isolation.Tools',
  'isolation.tools',
  'constructor',
  'prototype',
  '__proto__',
  'toString',
  'x/y',
  '1',
  '02',
  '',
];
const leaf = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom('h1', 'h2', 'poweredOn', 'poweredOff', 'c1', 'p1', 'v0'),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
);
/** A map value: plain, null-prototype, or one built with own `__proto__` keys the way JSON.parse builds them. */
const mapValue = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom(...subKeys), fc.oneof(leaf, fc.dictionary(fc.string(), leaf))), { maxLength: 5 }),
    fc.constantFrom('plain', 'null', 'json'),
  )
  .map(([entries, proto]) => {
    const out: Record<string, unknown> = proto === 'null' ? Object.create(null) : {};
    for (const [k, v] of entries)
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return proto === 'json' ? (JSON.parse(JSON.stringify(out)) as Record<string, unknown>) : out;
  });
const body = fc
  .array(fc.tuple(fc.constantFrom(...topKeys), fc.oneof(leaf, mapValue)), { maxLength: 10 })
  .map((entries) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  });

const time = '2026-12-01T00:00:00Z';
const upsert = fc
  .tuple(fc.constantFrom('vm', 'host', 'perimeter'), fc.constantFrom('v1', 'h1', 'p1'), body)
  .map(([kind, id, b]): FleetEvent => {
    const entity = { ...b, id };
    if (kind === 'vm') return { id: `e-${id}`, time, type: 'vm.upsert', vm: entity } as FleetEvent;
    if (kind === 'host') return { id: `e-${id}`, time, type: 'host.upsert', host: entity } as FleetEvent;
    return { id: `e-${id}`, time, type: 'perimeter.upsert', perimeter: entity } as FleetEvent;
  });

function sameFleet(a: Fleet, b: Fleet): void {
  for (const key of ['hosts', 'vms', 'perimeters'] as const) {
    expect([...a[key].keys()]).toEqual([...b[key].keys()]);
    for (const [id, entity] of b[key]) {
      const mine = a[key].get(id) as unknown as Record<string, unknown>;
      const theirs = entity as unknown as Record<string, unknown>;
      expect(Reflect.ownKeys(mine)).toEqual(Reflect.ownKeys(theirs));
      expect(Object.getPrototypeOf(mine)).toBe(Object.getPrototypeOf(theirs));
      for (const k of Reflect.ownKeys(theirs)) {
        const v = theirs[k as string];
        const w = mine[k as string];
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          expect(Object.getPrototypeOf(w)).toBe(Object.getPrototypeOf(v));
          expect(Reflect.ownKeys(w as object)).toEqual(Reflect.ownKeys(v));
        }
      }
      expect(mine).toStrictEqual(theirs);
    }
  }
}

describe('the single-upsert fast path on generated bodies', () => {
  it('materialises every fleet of single upserts exactly as the fold of the same upserts does', () => {
    fc.assert(
      fc.property(fc.uniqueArray(upsert, { selector: (e) => e.id, maxLength: 4 }), (events) => {
        const singles = events.map((e) => singleUpsertOf(e)!);
        const folded = events.map((e, i) => applyEvent(emptyState(singles[i]!.kind, singles[i]!.id), e));
        const outcome = (f: () => Fleet) => {
          try {
            return { fleet: f() };
          } catch (error) {
            return { error: String(error) };
          }
        };
        // A body the fold cannot read (a top-level `labels/x` over a non-map `labels`) must fail the same way.
        const mine = outcome(() => materialiseFleet(singles));
        const theirs = outcome(() => materialiseFleet(folded));
        if ('error' in theirs) expect(mine).toEqual(theirs);
        else sameFleet((mine as { fleet: Fleet }).fleet, theirs.fleet);
      }),
      { numRuns: 1000 },
    );
  });

  it('replays into the fleet the fold gives, whether or not later, duplicate or tied events fold the upsert', () => {
    const later = fc.constantFrom<(vm: string) => FleetEvent[]>(
      () => [],
      (vm) => [{ id: 'e-off', time: '2026-12-01T01:00:00Z', type: 'vm.power_off', vm: { id: vm } }],
      (vm) => [
        { id: 'e-mig', time, type: 'vm.migrate', migrate: { vmId: vm, toHostId: 'h2', kind: 'live' } },
        { id: 'e-mig', time, type: 'vm.migrate', migrate: { vmId: vm, toHostId: 'h2', kind: 'live' } },
      ],
      (vm) => [{ id: 'e-a', time, type: 'vm.upsert', vm: { id: vm, hostId: 'h2', labels: { app: 'tie' } } }],
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(upsert, { selector: (e) => e.id, maxLength: 4 }),
        later,
        fc.boolean(),
        (events, more, twice) => {
          // Twice: every upsert arrives again, so the replay folds it.
          const history = [...events, ...(twice ? events : []), ...more('v1')];
          const outcome = (f: () => Fleet) => {
            try {
              return { fleet: f() };
            } catch (error) {
              return { error: String(error) };
            }
          };
          const mine = outcome(() => replayHistory(history, { steps: 24, stepSeconds: 600 }).fleet);
          const theirs = outcome(() => materialiseFleet(foldEvents(sortEvents([...history])).values()));
          if ('error' in theirs) expect(mine).toEqual(theirs);
          else {
            const replayed = (mine as { fleet: Fleet }).fleet;
            // The replay takes a VM's cluster from its host also when the host names none (the fold leaves it out).
            for (const vm of theirs.fleet.vms.values()) {
              if (vm.cluster !== undefined || vm.hostId === undefined) continue;
              const cluster = theirs.fleet.hosts.get(vm.hostId)?.cluster;
              if (cluster !== undefined) vm.cluster = cluster;
            }
            sameFleet(replayed, theirs.fleet);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
