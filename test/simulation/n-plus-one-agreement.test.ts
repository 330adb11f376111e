import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/app/simulate';
import { CompiledRules } from '../../src/engine/compile';
import { indexFleet } from '../../src/engine/fleet-index';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { HostView } from '../../src/model/fleet';
import { fleetOf } from './helpers';

const nPlusOneRule = loadRules(DEFAULT_RULES_DIR).filter((r) => r.id === 'consolidation.cluster-n-plus-one');

/** One large, lightly loaded host beside two small, full ones (memory only, MiB units). */
function unevenCluster(smallHostMiB: number) {
  const hosts: HostView[] = [
    { id: 'big', cluster: 'c', memoryMiB: 512 },
    { id: 's1', cluster: 'c', memoryMiB: smallHostMiB },
    { id: 's2', cluster: 'c', memoryMiB: smallHostMiB },
  ];
  const vm = (id: string, hostId: string, memoryMiB: number) => ({ id, hostId, memoryMiB, vcpus: 1 });
  return fleetOf(hosts, [
    vm('a', 'big', 64),
    vm('b1', 's1', 60),
    vm('b2', 's1', 60),
    vm('c1', 's2', 58),
    vm('c2', 's2', 58),
  ]);
}

function auditSaysNoNPlusOne(fleet: ReturnType<typeof unevenCluster>): boolean {
  return new CompiledRules(nPlusOneRule).evaluate(indexFleet(fleet)).hits.some((h) => h.resourceId === 'c');
}

describe('one N+1 definition for the audit and the simulation', () => {
  it('agrees that a cluster whose largest host cannot be absorbed tolerates no failure (they used to disagree)', () => {
    // 300 MiB of VMs; losing `big` leaves 256. The simulation used to fail only the busiest host (s1, 120 MiB,
    // which big's spare absorbs) and reported 2 tolerated failures while the audit reported no N+1.
    const fleet = unevenCluster(128);
    expect(auditSaysNoNPlusOne(fleet)).toBe(true);
    expect(runSimulation(fleet, { trials: 200, seed: 1, steps: 4 }).clusters.c!.haToleratedFailures).toBe(0);
  });

  it('agrees that the cluster tolerates one failure once the other hosts can carry everything', () => {
    // 2 × 160 = 320 ≥ 300 after losing big; losing big and one small host leaves 160 < 300.
    const fleet = unevenCluster(160);
    expect(auditSaysNoNPlusOne(fleet)).toBe(false);
    expect(runSimulation(fleet, { trials: 200, seed: 1, steps: 4 }).clusters.c!.haToleratedFailures).toBe(1);
  });
});
