import type { CompiledFleet } from '../compile';
import type { HostDemand } from './host-demand';

/**
 * Max-min fair share of the host uplinks at contended host-steps: every VM gets up to a common level, VMs
 * wanting less keep their demand. Only contended steps pay for collecting and sorting the demands; the others
 * keep +Infinity (no VM is short).
 */
export function nicFairShareLevels(
  f: CompiledFleet,
  meanUtil: Float64Array,
  demand: Pick<HostDemand, 'first' | 'width' | 'net'>,
  anyContended: boolean,
): Float32Array {
  const nicLevel = new Float32Array(f.hostIds.length * demand.width).fill(Number.POSITIVE_INFINITY);
  if (anyContended) fillNicLevels(f, meanUtil, demand, nicLevel);
  return nicLevel;
}

function fillNicLevels(
  f: CompiledFleet,
  meanUtil: Float64Array,
  { first, width, net }: Pick<HostDemand, 'first' | 'width' | 'net'>,
  nicLevel: Float32Array,
): void {
  const S = f.clock.steps;
  const H = f.hostIds.length;
  const V = f.vmIds.length;
  // Host → (vm, from, to, where its step 0 sits in util) segments, built once.
  const perHost: number[][] = Array.from({ length: H }, () => []);
  for (let v = 0; v < V; v++) {
    for (let s = f.segStart[v]!; s < f.segStart[v + 1]!; s++) {
      const h = f.segHost[s]!;
      if (h < 0) continue;
      const end = s + 1 < f.segStart[v + 1]! ? f.segStep[s + 1]! : S;
      perHost[h]!.push(v, f.segStep[s]!, end, f.segUtil[s]!);
    }
  }
  const demands: number[] = [];
  for (let h = 0; h < H; h++) {
    const cap = f.hostNicMbps[h]!;
    if (cap <= 0) continue;
    const segs = perHost[h]!;
    for (let t = first; t < S; t++) {
      const i = h * width + t - first;
      if (net[i]! <= cap) continue;
      demands.length = 0;
      for (let k = 0; k < segs.length; k += 4) {
        const v = segs[k]!;
        if (t < segs[k + 1]! || t >= segs[k + 2]!) continue;
        const mean = meanUtil[v]!;
        if (mean > 0) demands.push((f.util[segs[k + 3]! + t]! * f.vmNetMbps[v]!) / mean);
      }
      demands.sort((a, b) => a - b);
      let remaining = cap;
      let level = 0;
      for (let k = 0; k < demands.length; k++) {
        const share = remaining / (demands.length - k);
        if (demands[k]! <= share) remaining -= demands[k]!;
        else {
          level = share;
          break;
        }
      }
      nicLevel[i] = level;
    }
  }
}
