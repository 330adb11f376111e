/** Pass 1 of the performance kernel: every VM's demand added into its host's row, by index. */
import type { CompiledFleet } from '../compile';
import type { HostMetrics, VmMetrics } from './metrics';

/**
 * Host × step rows of summed VM demand, over the steps from `first` (the first at which any VM runs on a host) to the
 * window's end: index h·width + (t − first). Steps before `first` hold no demand anywhere, and a fleet whose history
 * places its VMs at the window's last step (one ingest) needs one step per host instead of the whole window: at
 * 5,000 hosts × 288 steps the full rows were 57 MB of fresh pages, whose first touch alone cost ~0.2 s of CPU.
 */
export interface HostDemand {
  first: number;
  width: number;
  cpu: Float64Array;
  net: Float64Array;
  iops: Float64Array;
  /** Memory and VM count as difference arrays: prefix-summed by the host-step pass. */
  mem: Float64Array;
  count: Int32Array;
  /** VMs at or above their peak level. */
  peaks: Int32Array;
}

/** Also fills each VM's CPU demand and I/O overhead sums, and each host's I/O overhead sum. */
export function addVmDemand(
  f: CompiledFleet,
  peakLevel: Float64Array,
  vm: VmMetrics,
  host: Pick<HostMetrics, 'ioOverheadSum'>,
): HostDemand {
  const S = f.clock.steps;
  const V = f.vmIds.length;
  const first = firstRunningStep(f);
  const W = S - first;
  const HS = f.hostIds.length * W;
  const cpu = new Float64Array(HS);
  const net = new Float64Array(HS);
  const iops = new Float64Array(HS);
  const mem = new Float64Array(HS);
  const count = new Int32Array(HS);
  const peaks = new Int32Array(HS);
  const { util, segStart, segStep, segHost, segUtil } = f;
  const vmCpuSum = vm.cpuDemandSum;
  const vmIoSum = vm.ioOverheadSum;
  const hostIoSum = host.ioOverheadSum;
  for (let v = 0; v < V; v++) {
    const mean = vm.meanUtil[v]!;
    const netScale = mean > 0 ? f.vmNetMbps[v]! / mean : 0;
    const ioScale = mean > 0 ? f.vmIops[v]! / mean : 0;
    // Overhead per unit of utilisation: I/O follows the CPU shape.
    const overheadPerUtil = netScale * f.nicMHzPerMbps[v]! + ioScale * f.ioMHzPerIops[v]!;
    const memMiB = f.vmMemMiB[v]!;
    const level = peakLevel[v]!;
    const segEnd = segStart[v + 1]!;
    let demandSum = 0;
    let overheadSum = 0;
    for (let s = segStart[v]!; s < segEnd; s++) {
      const h = segHost[s]!;
      if (h < 0) continue;
      const end = s + 1 < segEnd ? segStep[s + 1]! : S;
      const perUtil = f.vcpus[v]! * f.coreMHz[h]! + overheadPerUtil;
      const row = segUtil[s]!;
      const base = h * W - first;
      const shift = base - row;
      // Memory and VM count are constant over a segment: difference arrays, prefix-summed in pass 2.
      mem[base + segStep[s]!]! += memMiB;
      count[base + segStep[s]!]!++;
      if (end < S) {
        mem[base + end]! -= memMiB;
        count[base + end]!--;
      }
      let utilSum = 0;
      for (let k = row + segStep[s]!; k < row + end; k++) {
        const u = util[k]!;
        const i = k + shift;
        cpu[i]! += u * perUtil;
        net[i]! += u * netScale;
        iops[i]! += u * ioScale;
        if (u >= level) peaks[i]!++;
        utilSum += u;
      }
      demandSum += utilSum * perUtil;
      overheadSum += utilSum * overheadPerUtil;
      hostIoSum[h]! += utilSum * overheadPerUtil;
    }
    vmCpuSum[v] = demandSum;
    vmIoSum[v] = overheadSum;
  }
  return { first, width: W, cpu, net, iops, mem, count, peaks };
}

/** The first step at which some VM runs on some host; the window's length when none does. */
export function firstRunningStep(f: CompiledFleet): number {
  let first = f.clock.steps;
  for (let s = 0; s < f.segHost.length; s++) if (f.segHost[s]! >= 0 && f.segStep[s]! < first) first = f.segStep[s]!;
  return first;
}
