/** What HA has to restart when a host fails, and what each cluster has to restart it with. */
import type { AvailabilityInput } from './types';

/** VMs per host, largest memory first: the order HA restarts them in. */
export function vmsInRestartOrder(input: AvailabilityInput): number[][] {
  const hostVms: number[][] = Array.from({ length: input.hostIds.length }, () => []);
  for (let v = 0; v < input.vmIds.length; v++) if (input.vmHost[v]! >= 0) hostVms[input.vmHost[v]!]!.push(v);
  for (const list of hostVms) list.sort((a, b) => input.vmMem[b]! - input.vmMem[a]! || a - b);
  return hostVms;
}

/** Per cluster: finite spare sums plus a count of in-service hosts with unknown (infinite) spare. */
export interface RestartPools {
  cpu: Float64Array;
  mem: Float64Array;
  unknownCpu: Int32Array;
  unknownMem: Int32Array;
  clusterHosts: number[][];
}

export function restartPools(input: AvailabilityInput): RestartPools {
  const C = input.clusterIds.length;
  const cpu = new Float64Array(C);
  const mem = new Float64Array(C);
  const unknownCpu = new Int32Array(C);
  const unknownMem = new Int32Array(C);
  const clusterHosts: number[][] = Array.from({ length: C }, () => []);
  for (let h = 0; h < input.hostIds.length; h++) {
    const c = input.hostCluster[h]!;
    clusterHosts[c]!.push(h);
    if (!input.inService[h]) continue;
    if (Number.isFinite(input.spareCpu[h]!)) cpu[c]! += input.spareCpu[h]!;
    else unknownCpu[c]!++;
    if (Number.isFinite(input.spareMem[h]!)) mem[c]! += input.spareMem[h]!;
    else unknownMem[c]!++;
  }
  return { cpu, mem, unknownCpu, unknownMem, clusterHosts };
}
