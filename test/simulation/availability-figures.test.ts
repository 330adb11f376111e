import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/app/simulate';
import type { HostView, VmView } from '../../src/model/fleet';
import {
  clusterAvailabilityFigures,
  lostReplicaSets,
  vmDowntimeHours,
} from '../../src/simulation/availability-figures';
import { mulberry32 } from '../../src/simulation/random';
import { fleetOf } from './helpers';

/** A random fleet of two clusters whose VMs carry a few apps and roles, some replicas sharing hosts. */
function randomFleet(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const hosts: HostView[] = Array.from({ length: 6 }, (_, i) => ({
    id: `h${i}`,
    cluster: i < 3 ? 'a' : 'b',
    cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 },
    memoryMiB: 65536 + Math.floor(rand() * 4) * 32768,
  }));
  const vms: Omit<VmView, 'movements'>[] = Array.from({ length: 24 }, (_, v) => {
    const host = pick(hosts);
    const app = rand() < 0.8 ? pick(['db', 'web', 'cache']) : undefined;
    return {
      id: `vm${v}`,
      hostId: host.id,
      vcpus: 2,
      memoryMiB: pick([4096, 8192, 16384]),
      powerState: rand() < 0.1 ? 'poweredOff' : 'poweredOn',
      workload: { cpuAvgPct: 20, cpuPeakPct: 40 },
      ...(app !== undefined && { labels: { app: `${app}-${host.cluster}`, role: pick(['primary', 'replica']) } }),
    };
  });
  return fleetOf(hosts, vms);
}

describe('availability figures regrouped from a simulation', () => {
  it('has lost replica sets to compare in the random fleets (the property below is not vacuous)', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const withLost = seeds.filter(
      (seed) => Object.keys(lostReplicaSets(runSimulation(randomFleet(seed), { trials: 50, seed }))).length > 0,
    );
    expect(withLost.length).toBeGreaterThan(4);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'lists, per host, exactly the apps the simulation says its failure loses (seed %i)',
    (seed) => {
      const result = runSimulation(randomFleet(seed), { trials: 200, seed });
      const lost = lostReplicaSets(result);
      for (const [hostId, h] of Object.entries(result.hosts)) {
        const apps = [...new Set((lost[hostId] ?? []).map((s) => s.app))].sort();
        expect(apps, hostId).toEqual([...h.availability.blastRadius.appsLost].sort());
        // Every VM of a lost set runs on the host.
        for (const s of lost[hostId] ?? []) for (const vm of s.vms) expect(result.vms[vm]?.hostId).toBe(hostId);
      }
      const downtime = vmDowntimeHours(result);
      for (const [id, vm] of Object.entries(result.vms))
        expect(downtime[id] ?? null, id).toBe(vm.expectedDowntimeHoursPerYear);
      const clusters = clusterAvailabilityFigures(result);
      for (const [id, c] of Object.entries(result.clusters)) {
        expect(clusters[id]).toMatchObject({
          pCannotRestart: c.pCannotRestart,
          haToleratedFailures: c.haToleratedFailures,
        });
        const hosts = Object.values(result.hosts).filter((h) => h.cluster === id);
        expect(clusters[id]!.blastRadiusVmsMax).toBe(Math.max(0, ...hosts.map((h) => h.availability.blastRadius.vms)));
      }
    },
  );
});
