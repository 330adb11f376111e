import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { listClusters, mergeClusterResults, runSimulation, simulateCluster } from '../../src/app/simulate';
import { fleetOf, linearCurve } from './helpers';

describe('per-cluster fan-out', () => {
  it('merges per-cluster results into exactly the whole-fleet figures when apps stay within a cluster', () => {
    const hosts: HostView[] = [];
    const vms = [];
    for (let c = 0; c < 3; c++) {
      for (let h = 0; h < 4; h++) {
        const id = `c${c}-h${h}`;
        hosts.push({
          id,
          cluster: `cl-${c}`,
          cpu: { sockets: 1, coresPerSocket: 4 + c, mhz: 2400 },
          memoryMiB: 32768,
          nics: [{ id: 'n0', speedMbps: 1000 }],
          power: { specpowerWatts: linearCurve(80, 250) },
          mtbfHours: 500,
          mttrHours: 10,
        });
        for (let v = 0; v < 3 + h; v++) {
          vms.push({
            id: `${id}-vm${v}`,
            hostId: id,
            vcpus: 2,
            memoryMiB: 4096,
            labels: { app: `app-${c}-${v % 2}`, role: 'web' },
            workload: { cpuAvgPct: 20 + 10 * v, netMbps: 100 },
          });
        }
      }
    }
    const fleet = fleetOf(hosts, vms);
    const opts = { trials: 2000, seed: 3 };
    const whole = runSimulation(fleet, opts);
    const clusters = listClusters(fleet);
    expect(clusters).toEqual(['cl-0', 'cl-1', 'cl-2']);
    const merged = mergeClusterResults(clusters.map((c) => simulateCluster(fleet, c, opts)));
    expect(merged.hosts).toEqual(whole.hosts);
    expect(merged.vms).toEqual(whole.vms);
    expect(merged.clusters).toEqual(whole.clusters);
    expect(merged.apps).toEqual(whole.apps);
    expect(merged.fleet).toEqual(whole.fleet);
  });

  it('refuses to merge results produced with different seeds', () => {
    const fleet = fleetOf(
      [
        { id: 'h', cluster: 'x' },
        { id: 'g', cluster: 'y' },
      ],
      [],
    );
    expect(() =>
      mergeClusterResults([
        simulateCluster(fleet, 'x', { seed: 1, trials: 1 }),
        simulateCluster(fleet, 'y', { seed: 2, trials: 1 }),
      ]),
    ).toThrow(/different/);
  });
});
