/** Pass 0 of the performance kernel: each VM's mean and peak while it runs, and where it ran. */
import type { CompiledFleet } from '../compile';
import type { PerformanceCoefficients } from '../coefficients';
import type { VmMetrics } from './metrics';

export interface VmRuns {
  /** Utilisation at or above which a VM counts as peaking (+Infinity for idle VMs). */
  peakLevel: Float64Array;
  /** Per host, how many distinct VMs ran on it. */
  distinctVms: Int32Array;
}

/** Fills the VM's running steps, mean utilisation, peak step and last host; I/O follows the CPU shape. */
export function profileVmRuns(f: CompiledFleet, coef: PerformanceCoefficients, vm: VmMetrics): VmRuns {
  const S = f.clock.steps;
  const H = f.hostIds.length;
  const V = f.vmIds.length;
  const { util, segStart, segStep, segHost, segUtil } = f;
  const peakLevel = new Float64Array(V);
  const distinct = new Int32Array(H);
  const lastSeen = new Int32Array(H).fill(-1);
  for (let v = 0; v < V; v++) {
    let sum = 0;
    let n = 0;
    let max = -1;
    let maxAt = -1;
    for (let s = segStart[v]!; s < segStart[v + 1]!; s++) {
      if (segHost[s]! < 0) continue;
      const end = s + 1 < segStart[v + 1]! ? segStep[s + 1]! : S;
      const base = segUtil[s]!;
      for (let t = segStep[s]!; t < end; t++) {
        const u = util[base + t]!;
        sum += u;
        n++;
        if (u > max) {
          max = u;
          maxAt = t;
        }
      }
      const h = segHost[s]!;
      if (lastSeen[h] !== v) {
        lastSeen[h] = v;
        distinct[h]!++;
      }
      vm.lastHost[v] = h;
    }
    vm.runningSteps[v] = n;
    vm.meanUtil[v] = n > 0 ? sum / n : 0;
    vm.peakStep[v] = maxAt;
    // Idle VMs (peak under 5 %) do not count as peaking.
    peakLevel[v] = max >= 0.05 ? max * coef.peakThreshold : Number.POSITIVE_INFINITY;
  }
  return { peakLevel, distinctVms: distinct };
}
