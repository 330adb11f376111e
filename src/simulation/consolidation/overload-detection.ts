/**
 * CloudSim 4.0's host overload detectors (PowerVmAllocationPolicyMigration*): static threshold, inter-quartile
 * range, median absolute deviation, local regression and its robust variant. The adaptive ones fall back to a
 * static 0.7 threshold while a host has too little history, as RunnerAbstract configures them.
 */
import { countNonZeroBeginning, iqr, loessEstimates, mad, robustLoessEstimates } from './cloudsim-math';
import { HISTORY_LENGTH, type CloudSimDatacenter, type CloudSimHost } from './datacenter';

/**
 * Whether the host is overloaded, as if `extra` (a VM id, or -1) were appended to its VM list: CloudSim checks a
 * candidate target by creating the VM there, asking, and destroying it again, which leaves the host as it was.
 */
export type OverloadDetector = (dc: CloudSimDatacenter, host: CloudSimHost, extra: number) => boolean;

export type CloudSimDetection = 'thr' | 'iqr' | 'mad' | 'lr' | 'lrr';

/** The parameters of CloudSim's PlanetLab examples (ThrMmt 0.8, IqrMmt 1.5, MadMmt 2.5, LrMmt and LrrMmt 1.2). */
export const CLOUDSIM_PARAMETERS: Record<CloudSimDetection, number> = {
  thr: 0.8,
  iqr: 1.5,
  mad: 2.5,
  lr: 1.2,
  lrr: 1.2,
};
const FALLBACK_THRESHOLD = 0.7;

/** Sum of the requests of the host's VMs over its capacity. */
export function requestedUtilization(dc: CloudSimDatacenter, host: CloudSimHost, extra = -1): number {
  let total = 0;
  for (const vm of host.vms) total += dc.vms.requested(vm);
  if (extra >= 0) total += dc.vms.requested(extra);
  return total / host.totalMips;
}

// One scratch buffer: detectors run millions of times a day and never re-enter each other.
const scratch = new Float64Array(HISTORY_LENGTH);

/** The host's own VMs' histories summed in VM-list order, recomputed only when the list or a history changed. */
function hostHistorySum(dc: CloudSimDatacenter, host: CloudSimHost): Float64Array {
  const v = dc.vms;
  const sum = host.historySum;
  if (host.historySumVersion === host.vmsVersion && host.historySumEpoch === v.historyEpoch) return sum;
  sum.fill(0);
  for (const vm of host.vms) {
    const base = vm * HISTORY_LENGTH;
    const len = v.historyLength[vm]!;
    const mips = v.mips[vm]!;
    for (let i = 0; i < len; i++) sum[i]! += (v.history[base + i]! * mips) / host.totalMips;
  }
  host.historySumVersion = host.vmsVersion;
  host.historySumEpoch = v.historyEpoch;
  return sum;
}

/**
 * PowerHostUtilizationHistory.getUtilizationHistory: the VMs' histories weighted by MIPS, zero tail trimmed.
 * `extra` is added last, as CloudSim appends the candidate VM to the list, so the sums are bit-identical to
 * summing the whole list. The view is only valid until the next call.
 */
export function hostUtilizationHistory(dc: CloudSimDatacenter, host: CloudSimHost, extra = -1): Float64Array {
  const sum = hostHistorySum(dc, host);
  scratch.set(sum);
  if (extra >= 0) {
    const v = dc.vms;
    const base = extra * HISTORY_LENGTH;
    const len = v.historyLength[extra]!;
    const mips = v.mips[extra]!;
    for (let i = 0; i < len; i++) scratch[i]! += (v.history[base + i]! * mips) / host.totalMips;
  }
  return scratch.subarray(0, countNonZeroBeginning(scratch));
}

export function staticThreshold(threshold: number): OverloadDetector {
  return (dc, host, extra) => requestedUtilization(dc, host, extra) > threshold;
}

/** IQR and MAD: threshold 1 − s × spread of the history once 12 values are there. */
function spreadThreshold(spread: (data: Float64Array) => number, safety: number): OverloadDetector {
  const fallback = staticThreshold(FALLBACK_THRESHOLD);
  return (dc, host, extra) => {
    const data = hostUtilizationHistory(dc, host, extra);
    if (countNonZeroBeginning(data) < 12) return fallback(dc, host, extra);
    return requestedUtilization(dc, host, extra) > 1 - safety * spread(data);
  };
}

/** LR / LRR: the trend of the last 10 values, projected over the longest migration off the host. */
function regression(robust: boolean, safety: number, interval: number): OverloadDetector {
  const fallback = staticThreshold(FALLBACK_THRESHOLD);
  const length = 10;
  const reversed = new Float64Array(length);
  return (dc, host, extra) => {
    const history = hostUtilizationHistory(dc, host, extra);
    if (history.length < length) return fallback(dc, host, extra);
    for (let i = 0; i < length; i++) reversed[i] = history[length - i - 1]!;
    const estimates = robust ? robustLoessEstimates(reversed) : loessEstimates(reversed);
    if (estimates === null) return fallback(dc, host, extra);
    let maxRam = -2147483648;
    for (const vm of host.vms) maxRam = Math.max(maxRam, dc.vms.ramMb[vm]!);
    if (extra >= 0) maxRam = Math.max(maxRam, dc.vms.ramMb[extra]!);
    const migrationIntervals = Math.ceil(maxRam / (1_000_000 / (2 * 8000)) / interval);
    const predicted = (estimates[0] + estimates[1] * (length + migrationIntervals)) * safety;
    return predicted >= 1;
  };
}

export function cloudSimDetector(kind: CloudSimDetection, interval: number, parameter?: number): OverloadDetector {
  const p = parameter ?? CLOUDSIM_PARAMETERS[kind];
  switch (kind) {
    case 'thr':
      return staticThreshold(p);
    case 'iqr':
      return spreadThreshold(iqr, p);
    case 'mad':
      return spreadThreshold(mad, p);
    case 'lr':
      return regression(false, p, interval);
    case 'lrr':
      return regression(true, p, interval);
  }
}
