import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { runSimulation } from '../../src/app/simulate';
import { fleetOf } from './helpers';

function binomialTail(n: number, q: number, moreThan: number): number {
  let p = 0;
  let c = 1;
  for (let j = 0; j <= n; j++) {
    if (j > 0) c = (c * (n - j + 1)) / j;
    if (j > moreThan) p += c * q ** j * (1 - q) ** (n - j);
  }
  return p;
}

/** N identical hosts, memory 100 GiB-ish units, each running `vmsPerHost` VMs of 25 units; no NICs (no uplink failures). */
function identicalCluster(n: number, vmsPerHost: number, mtbf: number, mttr: number) {
  const hosts: HostView[] = Array.from({ length: n }, (_, i) => ({
    id: `h${i}`,
    cluster: 'c',
    memoryMiB: 100,
    mtbfHours: mtbf,
    mttrHours: mttr,
  }));
  const vms = hosts.flatMap((h, i) =>
    Array.from({ length: vmsPerHost }, (_, k) => ({
      id: `vm-${i}-${k}`,
      hostId: h.id,
      memoryMiB: 25,
      vcpus: 1,
      workload: { cpuAvgPct: 10 },
    })),
  );
  return fleetOf(hosts, vms);
}

describe('availability Monte Carlo', () => {
  // Each host is down with q = MTTR/(MTBF+MTTR) = 25/125 = 0.2, independently.
  const q = 0.2;
  const cases = [
    // 2 VMs × 25 on 100: spare 50 per host; j down need 50j ≤ 50(6 − j) → up to 3 failures absorbed.
    { vmsPerHost: 2, tolerated: 3 },
    // 3 VMs × 25: spare 25; need 75j ≤ 25(6 − j) → only 1 failure absorbed.
    { vmsPerHost: 3, tolerated: 1 },
  ];
  for (const { vmsPerHost, tolerated } of cases) {
    it(`matches the binomial probability that more than ${tolerated} of 6 hosts are down (cannot restart all VMs)`, () => {
      const trials = 20_000;
      const r = runSimulation(identicalCluster(6, vmsPerHost, 100, 25), { trials, seed: 7, steps: 12 });
      const c = r.clusters.c!;
      expect(c.haToleratedFailures).toBe(tolerated);
      const p = binomialTail(6, q, tolerated);
      // 4 standard errors of a proportion over `trials` draws: a false alarm about once in 16,000 seeds.
      const halfWidth = 4 * Math.sqrt((p * (1 - p)) / trials);
      expect(Math.abs(c.pCannotRestart - p)).toBeLessThan(halfWidth);
    });
  }

  it('gives a VM with nowhere to restart exactly the host downtime: 8760·MTTR/(MTBF+MTTR) h/year', () => {
    const fleet = fleetOf(
      [{ id: 'solo', cluster: 'alone', memoryMiB: 100, mtbfHours: 996, mttrHours: 4 }],
      [{ id: 'vm', hostId: 'solo', memoryMiB: 50 }],
    );
    const r = runSimulation(fleet, { trials: 500, steps: 4 });
    expect(r.vms.vm!.expectedDowntimeHoursPerYear).toBeCloseTo((8760 * 4) / 1000, 6);
    expect(r.hosts.solo!.availability.singleFailureRestartable).toBe(false);
    expect(r.clusters.alone!.haToleratedFailures).toBe(0);
  });

  it('cuts a VM’s downtime to the restart time when the cluster can absorb its host, except when both hosts are down', () => {
    const mttr = 2;
    const mtbf = 8;
    const fleet = fleetOf(
      [
        { id: 'a', cluster: 'c', memoryMiB: 100, mtbfHours: mtbf, mttrHours: mttr },
        { id: 'b', cluster: 'c', memoryMiB: 100, mtbfHours: mtbf, mttrHours: mttr },
      ],
      [{ id: 'vm', hostId: 'a', memoryMiB: 50 }],
    );
    const trials = 20_000;
    const restartHours = 0.5;
    const r = runSimulation(fleet, { trials, steps: 4, availability: { restartHours } });
    const qa = mttr / (mtbf + mttr);
    // Host a down (qa): restarted on b when b is up (weight restart/MTTR), down throughout when b is down too.
    const expected = 8760 * qa * ((1 - qa) * (restartHours / mttr) + qa);
    // The only random part is b's state given a down: a proportion with standard error √(qa(1−qa)/trials).
    const tolerance = 8760 * qa * (1 - restartHours / mttr) * 4 * Math.sqrt((qa * (1 - qa)) / trials);
    expect(Math.abs(r.vms.vm!.expectedDowntimeHoursPerYear! - expected)).toBeLessThan(tolerance);
  });

  it('flags replicas of one app and role sharing a host and counts the app as lost with that host', () => {
    const fleet = fleetOf(
      [
        { id: 'h1', cluster: 'c', memoryMiB: 1000 },
        { id: 'h2', cluster: 'c', memoryMiB: 1000 },
      ],
      [
        { id: 'web-1', hostId: 'h1', memoryMiB: 10, labels: { app: 'shop', role: 'web' } },
        { id: 'web-2', hostId: 'h1', memoryMiB: 10, labels: { app: 'shop', role: 'web' } },
        { id: 'db-1', hostId: 'h1', memoryMiB: 10, labels: { app: 'shop', role: 'db' } },
        { id: 'db-2', hostId: 'h2', memoryMiB: 10, labels: { app: 'shop', role: 'db' } },
      ],
    );
    const r = runSimulation(fleet, { trials: 1000, steps: 4 });
    expect(r.antiAffinity).toEqual([{ app: 'shop', role: 'web', hostId: 'h1', vms: ['web-1', 'web-2'] }]);
    expect(r.hosts.h1!.availability.blastRadius).toEqual({ vms: 3, apps: 1, appsLost: ['shop'] });
    expect(r.hosts.h2!.availability.blastRadius).toEqual({ vms: 1, apps: 1, appsLost: [] });
    expect(r.apps.shop!.antiAffinityViolations).toBe(1);
    expect(r.apps.shop!.expectedDowntimeHoursPerYear).toBeGreaterThan(0);
  });

  it('counts a host with a single uplink as isolated when that uplink is down, two uplinks as far rarer', () => {
    const base = { cluster: 'c', memoryMiB: 1000 };
    const fleet = fleetOf(
      [
        { id: 'one', ...base, nics: [{ id: 'n0', speedMbps: 10000 }] },
        {
          id: 'two',
          ...base,
          nics: [
            { id: 'n0', speedMbps: 10000 },
            { id: 'n1', speedMbps: 10000 },
          ],
        },
      ],
      [],
    );
    const r = runSimulation(fleet, {
      trials: 10,
      steps: 2,
      availability: { uplinkMtbfHours: 996, uplinkMttrHours: 4 },
    });
    expect(r.hosts.one!.availability.isolation).toBeCloseTo(0.004, 12);
    expect(r.hosts.two!.availability.isolation).toBeCloseTo(0.004 ** 2, 12);
  });

  it('reproduces the same figures for the same seed and different draws for another', () => {
    const fleet = identicalCluster(6, 2, 100, 25);
    const a = runSimulation(fleet, { trials: 3000, seed: 11, steps: 8 });
    const b = runSimulation(fleet, { trials: 3000, seed: 11, steps: 8 });
    const c = runSimulation(fleet, { trials: 3000, seed: 12, steps: 8 });
    expect(b).toEqual(a);
    expect(c.clusters.c!.trialsCannotRestart).not.toBe(a.clusters.c!.trialsCannotRestart);
  });
});
