import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { runSimulation } from '../../src/app/simulate';
import type { PlacementTimeline } from '../../src/simulation/placement';
import { fleetOf, linearCurve } from './helpers';

const host = (id: string, cluster: string, extra: Partial<HostView> = {}): HostView => ({
  id,
  cluster,
  cpu: { sockets: 1, coresPerSocket: 4, mhz: 2000 },
  memoryMiB: 32768,
  nics: [{ id: 'n', speedMbps: 10 }],
  storage: { iopsCapacity: 500 },
  // Not linear through zero: the idle draw of the steps before the rows start counts.
  power: { specpowerWatts: linearCurve(90, 310).map((w, i) => w + (i % 3) * 7) },
  ...extra,
});

/** Hosts h1, h2 (h2 idle, in maintenance) and VMs that all start running late in the window. */
function lateFleet(withEarlyVm: boolean) {
  const fleet = fleetOf(
    [host('h1', 'a'), host('h2', 'a'), host('idle', 'a'), ...(withEarlyVm ? [host('early-host', 'b')] : [])],
    [
      {
        id: 'big',
        hostId: 'h1',
        vcpus: 8,
        memoryMiB: 24576,
        workload: { cpuAvgPct: 80, cpuPeakPct: 100, netMbps: 30 },
      },
      { id: 'small', hostId: 'h1', vcpus: 2, memoryMiB: 16384, workload: { cpuAvgPct: 20, iops: 900 } },
      { id: 'moved', hostId: 'h2', vcpus: 2, workload: { cpuAvgPct: 50, cpuPeakPct: 90, netMbps: 20 } },
      ...(withEarlyVm ? [{ id: 'early', hostId: 'early-host', vcpus: 1, workload: { cpuAvgPct: 10 } }] : []),
    ],
  );
  const placement: PlacementTimeline = new Map([
    [
      'big',
      [
        { fromStep: 0, hostId: null },
        { fromStep: 250, hostId: 'h1' },
      ],
    ],
    [
      'small',
      [
        { fromStep: 0, hostId: null },
        { fromStep: 240, hostId: 'h1' },
        { fromStep: 270, hostId: null },
        { fromStep: 280, hostId: 'h1' },
      ],
    ],
    [
      'moved',
      [
        { fromStep: 0, hostId: null },
        { fromStep: 245, hostId: 'h1' },
        { fromStep: 260, hostId: 'h2' },
      ],
    ],
  ]);
  return runSimulation(fleet, { trials: 0, placement, start: '2026-11-30T00:05:00.000Z' });
}

describe('host-step rows from the first step any VM runs', () => {
  it('give every host and VM the figures of rows over the whole window', () => {
    // A VM running from step 0 on a host of its own cluster makes the rows span the whole window again.
    const late = lateFleet(false);
    const whole = lateFleet(true);
    for (const id of ['h1', 'h2', 'idle']) expect([id, late.hosts[id]]).toEqual([id, whole.hosts[id]]);
    for (const id of ['big', 'small', 'moved']) expect([id, late.vms[id]]).toEqual([id, whole.vms[id]]);
    // Not vacuous: the late host overloads at steps numbered within the window, and idle hosts draw power.
    expect(late.hosts.h1!.overloadedAt.length).toBeGreaterThan(0);
    expect(Math.min(...late.hosts.h1!.overloadedAt)).toBeGreaterThanOrEqual(250);
    expect(late.hosts.idle!.energyKWh).toBeGreaterThan(0);
    expect(late.hosts.h1!.activeSteps).toBe(288 - 240);
  });
});
