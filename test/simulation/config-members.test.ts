import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { growthEvents } from '../../bench/lib/growth-fleet';
import { simulateStored } from '../../src/app/simulate';
import type { FleetEvent } from '../../src/model/event';
import { systemClock } from '../../src/model/ports/clock';
import { CONFIG_MEMBERS } from '../../src/store/event-split';
import { MemoryStore } from '../../src/store/memory-store';
import type { FleetStore } from '../../src/store/types';
import { LocalStores } from '../integration/local-store';

/**
 * The simulation's history read leaves the upserts' configuration members out (CONFIG_MEMBERS, src/store/event-split.ts).
 * That is only sound while no simulation code reads them: whatever they hold, or without them, the result is the same.
 * And a fleet ingested into the embedded store simulates as the same fleet held whole in memory.
 */

/** The default window: the day that ends on the newest event, the power-off. */
const OPTIONS = { trials: 40, save: false, clock: systemClock } as const;

/** The configured layout's fleet (one cluster of 16 hosts, apps across it) with a migration and a power-off. */
function fleet(): FleetEvent[] {
  return [
    ...growthEvents(320, 'configured'),
    {
      id: 'move',
      time: '2026-12-01T06:00:00Z',
      type: 'vm.migrate',
      migrate: { vmId: 'vm-3', fromHostId: 'host-0', toHostId: 'host-5', kind: 'drs' },
    },
    { id: 'off', time: '2026-12-01T12:00:00Z', type: 'vm.power_off', vm: { id: 'vm-7' } },
  ];
}

type Members = unknown;

/** `events` with each upsert's configuration members replaced by what `members` gives (left out when undefined). */
function withMembers(events: readonly FleetEvent[], members: (name: string, i: number) => Members): FleetEvent[] {
  return events.map((event, i) => {
    const spec = CONFIG_MEMBERS[event.type];
    if (spec === undefined) return event;
    const body = (event as unknown as Record<string, Record<string, unknown>>)[spec.body]!;
    const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !spec.names.includes(k)));
    for (const name of spec.names) {
      const value = members(name, i);
      if (value !== undefined) rest[name] = value;
    }
    return { ...event, [spec.body]: rest } as FleetEvent;
  });
}

async function simulated(store: FleetStore, events: readonly FleetEvent[]): Promise<string> {
  await store.putEvents(events);
  return JSON.stringify((await simulateStored(store, OPTIONS)).result);
}

/** Keys a simulation could plausibly be tempted to read: resource shares, power policy, NUMA, virtual devices. */
const settingKey = fc.constantFrom(
  'sched.cpu.shares',
  'sched.cpu.min',
  'sched.cpu.max',
  'sched.mem.min',
  'numa.nodeAffinity',
  'ethernet0.virtualDev',
  'Power.CpuPolicy',
  'Mem.ShareForceSalting',
  'workload',
  'cluster',
);
const scalar = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }),
  fc.constantFrom('high', 'low', 'vmxnet3', 'e1000', 'efi', 'vmx-21', ''),
  fc.boolean(),
);
/** Any shape: maps of such keys (settings, services), scalars (guest OS, hardware version), lists (graphics). */
const members = fc.oneof(
  fc.dictionary(settingKey, scalar, { maxKeys: 6 }),
  scalar,
  fc.array(fc.dictionary(settingKey, scalar, { maxKeys: 3 }), { maxLength: 3 }),
);

describe("the simulation's result without the configuration members", () => {
  let stores: LocalStores;
  beforeAll(async () => {
    stores = await LocalStores.start();
  });
  afterAll(() => stores.stop());

  it('is the same whatever they hold, and without them (property)', async () => {
    const events = fleet();
    const without = await simulated(
      new MemoryStore(),
      withMembers(events, () => undefined),
    );
    // A result worth comparing: every VM placed, the migrated one where it went, the powered-off one part of the day.
    const result = JSON.parse(without) as { vms: Record<string, { hostId: string; runningTimeFraction: number }> };
    expect(Object.keys(result.vms)).toHaveLength(320);
    expect(result.vms['vm-3']!.hostId).toBe('host-5');
    expect(result.vms['vm-7']!.runningTimeFraction).toBeGreaterThan(0);
    expect(result.vms['vm-7']!.runningTimeFraction).toBeLessThan(1);
    expect(await simulated(new MemoryStore(), events)).toBe(without);
    await fc.assert(
      fc.asyncProperty(fc.array(members, { minLength: 1, maxLength: 8 }), async (pool) => {
        const varied = withMembers(events, (name, i) => pool[(i + name.length) % pool.length]);
        expect(await simulated(new MemoryStore(), varied)).toBe(without);
      }),
      { numRuns: 6 },
    );
  });

  it('of a fleet ingested into the embedded store is the one of the same fleet held whole in memory', async () => {
    const events = fleet();
    const store = await stores.open();
    expect(await simulated(store, events)).toBe(await simulated(new MemoryStore(), events));
  });
});
