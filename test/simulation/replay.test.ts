import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/model/event';
import { MemoryStore } from '../../src/store/memory-store';
import type { FleetStore, FleetWithHistory } from '../../src/store/types';
import { replayHistory } from '../../src/simulation/replay';
import { replayStored, SIMULATION_LATEST_KEY, simulateStored, withExpiredHistory } from '../../src/app/simulate';
import { fixedClock, systemClock } from '../../src/model/ports/clock';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const cpu = { sockets: 1, coresPerSocket: 4, mhz: 2000 };

function history(): FleetEvent[] {
  return [
    { id: 'e1', time: at(-60), type: 'host.upsert', host: { id: 'h1', cluster: 'c', cpu, memoryMiB: 32768 } },
    { id: 'e2', time: at(-60), type: 'host.upsert', host: { id: 'h2', cluster: 'c', cpu, memoryMiB: 32768 } },
    {
      id: 'e3',
      time: at(-30),
      type: 'vm.upsert',
      vm: { id: 'vm-1', hostId: 'h1', vcpus: 2, memoryMiB: 4096, workload: { cpuAvgPct: 40 } },
    },
    {
      id: 'e4',
      time: at(-30),
      type: 'vm.upsert',
      vm: { id: 'vm-2', hostId: 'h2', vcpus: 2, memoryMiB: 4096, workload: { cpuAvgPct: 40 } },
    },
    // Live migration at 12:00, halfway through the day.
    {
      id: 'e5',
      time: at(12 * 60),
      type: 'vm.migrate',
      migrate: { vmId: 'vm-1', fromHostId: 'h1', toHostId: 'h2', kind: 'live' },
    },
    // vm-2 powered off at 18:02: off from the first step starting after it (18:05, step 217).
    { id: 'e6', time: at(18 * 60 + 2), type: 'vm.power_off', vm: { id: 'vm-2' } },
    // After the window: ignored.
    { id: 'e7', time: at(25 * 60), type: 'vm.migrate', migrate: { vmId: 'vm-1', toHostId: 'h1', kind: 'live' } },
  ];
}

describe('replay of the stored history', () => {
  it('moves a VM to its new host at the step of its migration and stops a VM when it is powered off', () => {
    const r = replayHistory(history(), { steps: 288, stepSeconds: 300, startMs: T0 });
    expect(r.placement.get('vm-1')).toEqual([
      { fromStep: 0, hostId: 'h1' },
      { fromStep: 144, hostId: 'h2' },
    ]);
    expect(r.placement.get('vm-2')).toEqual([
      { fromStep: 0, hostId: 'h2' },
      { fromStep: 217, hostId: null },
    ]);
    expect(r.placementChanges).toBe(2);
    expect(r.fleet.vms.get('vm-1')!.hostId).toBe('h2');
  });

  it('replays a history handed over out of event order as it replays the ordered one, leaving the input as given', () => {
    const ordered = history();
    const shuffled = [ordered[4]!, ordered[1]!, ordered[6]!, ordered[0]!, ordered[5]!, ordered[3]!, ordered[2]!];
    const given = shuffled.map((e) => e.id);
    const window = { steps: 288, stepSeconds: 300, startMs: T0 };
    const a = replayHistory(ordered, window);
    const b = replayHistory(shuffled, window);
    expect(b.placement).toEqual(a.placement);
    expect(b.placementChanges).toBe(2);
    expect([...b.fleet.vms.entries()]).toEqual([...a.fleet.vms.entries()]);
    expect(shuffled.map((e) => e.id)).toEqual(given);
  });

  it('orders events that share one time text by id, and the same instant written two ways by its text', () => {
    const upsert = (id: string, time: string, hostId: string): FleetEvent => ({
      id,
      time,
      type: 'vm.upsert',
      vm: { id: 'vm-1', hostId, vcpus: 2, memoryMiB: 4096 },
    });
    const window = { steps: 288, stepSeconds: 300, startMs: T0 };
    const same = at(60);
    // e9 before e10 (ids compare by number), so e10's host is the last one: handed over e10 first, it is re-sorted.
    const byId = replayHistory([upsert('e10', same, 'h2'), upsert('e9', same, 'h1')], window);
    expect(byId.fleet.vms.get('vm-1')!.hostId).toBe('h2');
    expect(byId.placement.get('vm-1')).toEqual([
      { fromStep: 0, hostId: null },
      { fromStep: 12, hostId: 'h2' },
    ]);
    // The same millisecond, the later sub-millisecond text last whatever the ids say.
    const finer = replayHistory(
      [upsert('e1', '2026-03-01T01:00:00.000900Z', 'h2'), upsert('e2', '2026-03-01T01:00:00.000100Z', 'h1')],
      window,
    );
    expect(finer.fleet.vms.get('vm-1')!.hostId).toBe('h2');
  });

  it('takes the replayed VM as it is when the stored one has the same fields, and fills in the fields it lacks', () => {
    const events = history().slice(0, 4);
    const replay = replayHistory(events, { steps: 288, stepSeconds: 300, startMs: T0 });
    const same = replayHistory(events, { steps: 288, stepSeconds: 300, startMs: T0 }).fleet;
    const stored = { ...same, vms: new Map(same.vms) };
    const vm2 = stored.vms.get('vm-2')!;
    stored.vms.set('vm-2', { ...vm2, hostId: 'h1', name: 'from-a-snapshot' });
    const merged = withExpiredHistory(replay, stored, events).fleet;
    expect(merged.vms.get('vm-1')).toBe(replay.fleet.vms.get('vm-1'));
    expect(merged.hosts.get('h1')).toBe(replay.fleet.hosts.get('h1'));
    expect(merged.vms.get('vm-2')).toEqual({ ...replay.fleet.vms.get('vm-2'), name: 'from-a-snapshot' });
    expect(merged.vms.get('vm-2')!.hostId).toBe('h2');
  });

  it('keeps a VM removed during the window for the steps it ran', () => {
    const events: FleetEvent[] = [
      ...history().slice(0, 4),
      { id: 'rm', time: at(6 * 60), type: 'vm.remove', vm: { id: 'vm-2' } },
    ];
    const r = replayHistory(events, { steps: 288, stepSeconds: 300, startMs: T0 });
    expect(r.placement.get('vm-2')).toEqual([
      { fromStep: 0, hostId: 'h2' },
      { fromStep: 72, hostId: null },
    ]);
    expect(r.fleet.vms.get('vm-2')?.vcpus).toBe(2);
  });

  it('stops a VM at the step of an inventory snapshot of its scope that no longer lists it', () => {
    const vc = { source: 'vcenter', instance: 'vc-1' };
    const events: FleetEvent[] = [
      ...history().slice(0, 3),
      {
        id: 'e4',
        time: at(-30),
        type: 'vm.upsert',
        scope: vc,
        vm: { id: 'vm-2', hostId: 'h2', vcpus: 2, memoryMiB: 4096 },
      },
      { id: 'inv', time: at(6 * 60), type: 'inventory.snapshot', snapshot: { scope: vc, vms: [] } },
    ];
    const r = replayHistory(events, { steps: 288, stepSeconds: 300, startMs: T0 });
    expect(r.placement.get('vm-2')).toEqual([
      { fromStep: 0, hostId: 'h2' },
      { fromStep: 72, hostId: null },
    ]);
    // It ran part of the window: its last live shape is kept, as for a vm.remove.
    expect(r.fleet.vms.get('vm-2')?.vcpus).toBe(2);
    expect(r.placement.get('vm-1')).toEqual([{ fromStep: 0, hostId: 'h1' }]);
  });

  it('simulates the placement over time and stores per-host figures for the audit rules', async () => {
    const store = new MemoryStore();
    await store.putEvents(history());
    const { result, runKey } = await simulateStored(store, {
      start: at(0),
      trials: 200,
      clock: fixedClock('2026-03-02T00:00:00.000Z'),
    });
    expect(result.hosts.h1!.activeSteps).toBe(144);
    expect(result.hosts.h2!.activeSteps).toBe(288);
    expect(result.vms['vm-1']!.hostId).toBe('h2');
    expect(result.vms['vm-2']!.runningTimeFraction).toBeCloseTo(217 / 288, 6);
    const latest = await store.getMeta<{
      hosts: Record<string, Record<string, unknown>>;
      fleet: { energyKWh: number };
    }>(SIMULATION_LATEST_KEY);
    expect(Object.keys(latest!.hosts).sort()).toEqual(['h1', 'h2']);
    expect(latest!.hosts.h1).toMatchObject({
      score: result.hosts.h1!.score,
      overloadedTimeFraction: 0,
      cpuReadyPct: result.hosts.h1!.cpuReadyPct,
    });
    expect(runKey).toBe('simulation/runs/2026-03-02T00:00:00.000Z');
    const runs = await store.listMeta<{ fleet: { vms: number } }>('simulation/runs/');
    expect(runs.map((x) => x.value.fleet.vms)).toEqual([2]);
  });

  it('defaults the window to the day whose last step holds the newest stored event', async () => {
    const store = new MemoryStore();
    await store.putEvents(history().slice(0, 5));
    const { result } = await simulateStored(store, { trials: 0, save: false, clock: systemClock });
    // Newest event: the 12:00 migration. Step 0 starts at 12:05 the day before.
    expect(result.window.start).toBe(new Date(T0 - 11 * 3_600_000 - 55 * 60_000).toISOString());
    // vm-1 appears at 23:30 (step 137), runs on h1 until the migration takes it to h2 in the last step.
    expect(result.hosts.h1!.activeSteps).toBe(150);
    expect(result.vms['vm-1']!.hostId).toBe('h2');
  });
});

describe('stored simulation size', () => {
  it('keeps the audit figures of every host when the full result would not fit one DynamoDB item', async () => {
    const { fitForItem, storedForm, runSimulation, MAX_STORED_BYTES } = await import('../../src/app/simulate');
    const { fleetOf } = await import('./helpers');
    const hosts = Array.from({ length: 1500 }, (_, i) => ({
      id: `h-${i}`,
      cluster: `cluster-${i % 50}`,
      cpu,
      memoryMiB: 65536,
    }));
    const result = runSimulation(fleetOf(hosts, []), { steps: 2, trials: 0 });
    const stored = fitForItem({ ...storedForm(result), simulatedAt: at(0) });
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_STORED_BYTES);
    expect(stored.storedDetail).toBe('essential');
    const storedHosts = stored.hosts as Record<string, Record<string, number>>;
    expect(Object.keys(storedHosts)).toHaveLength(1500);
    expect(storedHosts['h-7']).toEqual({
      score: 0,
      overloadedTimeFraction: 0,
      cpuReadyPct: 0,
      memoryOvercommit: 0,
      coincidingPeaks: 0,
      unavailability: 4 / 8764,
      singleFailureRestartable: 1,
    });
  });

  it('keeps every host’s full figures when only the per-VM figures are too large, and all of it when all fits', async () => {
    const { fitForItem, storedForm, runSimulation, MAX_STORED_BYTES } = await import('../../src/app/simulate');
    const { fleetOf } = await import('./helpers');
    const hosts = Array.from({ length: 20 }, (_, i) => ({ id: `h-${i}`, cluster: 'c', cpu, memoryMiB: 65536 }));
    const form = storedForm(runSimulation(fleetOf(hosts, []), { steps: 2, trials: 0 }));
    expect(fitForItem({ ...form, simulatedAt: at(0) }).storedDetail).toBe('full');
    const vmDowntimeHoursPerYear = Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`vm-${i}`, 0.25]));
    const stored = fitForItem({ ...form, vmDowntimeHoursPerYear, simulatedAt: at(0) });
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_STORED_BYTES);
    expect(stored.storedDetail).toBe('hosts');
    expect(stored.hosts).toEqual(form.hosts);
    expect(stored.vmDowntimeHoursPerYear).toEqual({});
  });

  it('keeps the riskiest hosts and counts the rest when even the essential figures are too large', async () => {
    const { fitForItem, storedForm, runSimulation, MAX_STORED_BYTES } = await import('../../src/app/simulate');
    const { fleetOf } = await import('./helpers');
    const hosts = Array.from({ length: 4000 }, (_, i) => ({
      id: `a-rather-long-host-name-in-datacenter-${i}`,
      cluster: 'c',
      cpu,
      memoryMiB: i === 3999 ? 1024 : 65536,
    }));
    // One host overcommits memory 4×: it must survive the cut.
    const vms = [{ id: 'big', hostId: hosts[3999]!.id, memoryMiB: 4096, workload: { cpuAvgPct: 5 } }];
    const result = runSimulation(fleetOf(hosts, vms), { steps: 2, trials: 0 });
    const stored = fitForItem({ ...storedForm(result), simulatedAt: at(0) });
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThanOrEqual(MAX_STORED_BYTES);
    expect(stored.storedDetail).toBe('essential-riskiest');
    const kept = Object.keys(stored.hosts as object);
    expect(kept.length + (stored.hostsOmitted as number)).toBe(4000);
    expect(kept[0]).toBe(hosts[3999]!.id);
  });

  it('stores the same entry through latestEntry as through fitForItem of the full stored form, fitting or not', async () => {
    const { fitForItem, latestEntry, storedForm, runSimulation } = await import('../../src/app/simulate');
    const { fleetOf } = await import('./helpers');
    for (const count of [4, 1500]) {
      const hosts = Array.from({ length: count }, (_, i) => ({
        id: `h-${i}`,
        cluster: `c-${i % 3}`,
        cpu,
        memoryMiB: 65536,
      }));
      const vms = hosts.flatMap((h, i) =>
        [0, 1].map((k) => ({
          id: `vm-${i}-${k}`,
          hostId: h.id,
          memoryMiB: 8192,
          labels: { app: `app-${i % 2}`, role: 'r' },
          workload: { cpuAvgPct: 10 + k },
        })),
      );
      const result = runSimulation(fleetOf(hosts, vms), { steps: 2, trials: 20 });
      expect(latestEntry(result, at(0))).toEqual(fitForItem({ ...storedForm(result), simulatedAt: at(0) }));
    }
  });
});

/** A store whose oldest events have expired (TTL) while its snapshots still hold their state. */
class ExpiredHistoryStore extends MemoryStore {
  constructor(private readonly expired: ReadonlySet<string>) {
    super();
  }

  override async *readHistory(): AsyncIterable<FleetEvent> {
    for await (const e of super.readHistory()) if (!this.expired.has(e.id)) yield e;
  }

  override async loadFleetWithHistory(): Promise<FleetWithHistory> {
    const both = await super.loadFleetWithHistory();
    return { ...both, history: both.history.filter((e) => !this.expired.has(e.id)) };
  }
}

describe('replay from one store read', () => {
  it('gives the fleet and placement of the two reads when the history holds the whole fleet', async () => {
    const store = new MemoryStore();
    await store.putEvents(history());
    // The same store without its one read: replayStored falls back to loadFleet and readHistory.
    const twoReads: FleetStore = new Proxy(store, {
      get: (target, prop) =>
        prop === 'loadFleetWithHistory' ? undefined : (Reflect.get(target, prop, target) as () => unknown).bind(target),
    });
    for (const opts of [{}, { start: at(0), steps: 288, stepSeconds: 300 }]) {
      const one = await replayStored(store, opts);
      const two = await replayStored(twoReads, opts);
      expect(one).toEqual(two);
      expect(one.placement?.size).toBeGreaterThan(0);
    }
  });
});

describe('replay of a history whose oldest events expired', () => {
  it('keeps entities known only from snapshots, in place for the whole window, with their full attributes', async () => {
    const store = new ExpiredHistoryStore(new Set(['e1', 'e3', 'old-vm']));
    await store.putEvents(history());
    await store.putEvents([
      {
        id: 'old-vm',
        time: at(-90),
        type: 'vm.upsert',
        vm: { id: 'vm-old', hostId: 'h1', vcpus: 4, memoryMiB: 8192, workload: { cpuAvgPct: 30 } },
      },
      // vm-1's upsert (e3) expired, but a later tag change survives: the replay knows vm-1 only partly.
      { id: 'tag', time: at(-10), type: 'vm.upsert', vm: { id: 'vm-1', labels: { app: 'web' } } },
    ]);
    const replay = await replayStored(store, { start: at(0), steps: 288, stepSeconds: 300 });
    // Host h1 and vm-old have no event left; the stored fleet brings them back.
    expect(replay.fleet.hosts.get('h1')).toMatchObject({ cpu, memoryMiB: 32768 });
    expect(replay.fleet.vms.get('vm-old')).toMatchObject({ hostId: 'h1', vcpus: 4 });
    expect(replay.placement?.has('vm-old')).toBe(false);
    // vm-1 keeps what the replay knows (its migration to h2 at 12:00; the move names h1 as where it ran before)
    // and gets its sizing from the snapshot.
    expect(replay.fleet.vms.get('vm-1')).toMatchObject({ labels: { app: 'web' }, vcpus: 2, memoryMiB: 4096 });
    expect(replay.placement?.get('vm-1')).toEqual([
      { fromStep: 0, hostId: 'h1' },
      { fromStep: 144, hostId: 'h2' },
    ]);
  });
});
