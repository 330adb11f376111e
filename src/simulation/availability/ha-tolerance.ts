import { toleratedHostFailures } from '../../model/failover-capacity';
import type { AvailabilityInput } from './types';

/**
 * HA tolerance by the one N+1 definition (src/model/failover-capacity.ts), as `consolidation.cluster-n-plus-one`
 * applies it: a host's capacity is its spare plus what its VMs use, and the worst k failures are the k largest
 * hosts (it used to fail only the busiest ones, and could call a cluster N+1 the audit did not).
 */
export function toleratedFailures(hosts: readonly number[], hostVms: number[][], input: AvailabilityInput): number {
  const serving = hosts.filter((h) => input.inService[h]);
  const cpu: number[] = [];
  const mem: number[] = [];
  let cpuDemand = 0;
  let memDemand = 0;
  for (const h of hosts) {
    let usedCpu = 0;
    let usedMem = 0;
    for (const v of hostVms[h]!) {
      usedCpu += input.vmCpu[v]!;
      usedMem += input.vmMem[v]!;
    }
    cpuDemand += usedCpu;
    memDemand += usedMem;
    if (!input.inService[h]) continue;
    // Unknown capacity is +Infinity spare: such a host is left out of that dimension.
    if (Number.isFinite(input.spareCpu[h]!)) cpu.push(input.spareCpu[h]! + usedCpu);
    if (Number.isFinite(input.spareMem[h]!)) mem.push(input.spareMem[h]! + usedMem);
  }
  return toleratedHostFailures(serving.length, [
    { capacities: cpu, demand: cpuDemand },
    { capacities: mem, demand: memDemand },
  ]);
}
