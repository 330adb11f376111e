/** Pass 3 of the performance kernel: what each VM saw on its host at the steps it ran there. */
import type { CompiledFleet } from '../compile';
import type { HostDemand } from './host-demand';
import { OVERLOADED, STORAGE, type HostSteps } from './host-steps';
import type { HostMetrics, VmMetrics } from './metrics';

/** Fills the VM's ready, contention, coinciding-peak and memory figures, and each host's vCPU-weighted ready. */
export function readBackVmView(
  f: CompiledFleet,
  demand: HostDemand,
  steps: HostSteps,
  nicLevel: Float32Array,
  peakLevel: Float64Array,
  host: HostMetrics,
  vm: VmMetrics,
): void {
  const S = f.clock.steps;
  const V = f.vmIds.length;
  const { util, segStart, segStep, segHost, segUtil } = f;
  const { first, width: W, mem, peaks } = demand;
  const { ready, rhoAt, flags } = steps;
  for (let v = 0; v < V; v++) {
    const mean = vm.meanUtil[v]!;
    const netScale = mean > 0 ? f.vmNetMbps[v]! / mean : 0;
    const level = peakLevel[v]!;
    const vcpus = f.vcpus[v]!;
    const segEnd = segStart[v + 1]!;
    let readySum = 0;
    let overloaded = 0;
    let storage = 0;
    let coinciding = 0;
    let memPeak = 0;
    let nicDemand = 0;
    let nicShort = 0;
    for (let s = segStart[v]!; s < segEnd; s++) {
      const h = segHost[s]!;
      if (h < 0) continue;
      const end = s + 1 < segEnd ? segStep[s + 1]! : S;
      const row = segUtil[s]!;
      const base = h * W - first;
      const shift = base - row;
      const memCap = f.hostMemMiB[h]!;
      let hostReady = 0;
      const from = segStep[s]!;
      const nicContended = netScale > 0 && host.nicContendedSteps[h]! > 0;
      let utilSum = 0;
      for (let k = row + from; k < row + end; k++) {
        const i = k + shift;
        const u = util[k]!;
        const rho = rhoAt[i]!;
        let r = u * ready[i]!;
        // A vCPU cannot be ready longer than it is not running.
        const ceiling = 1 - (rho > 1 ? u / rho : u);
        if (r > ceiling) r = ceiling;
        hostReady += r;
        utilSum += u;
        const flag = flags[i]!;
        if (flag !== 0) {
          if (flag & OVERLOADED) overloaded++;
          if (flag & STORAGE) storage++;
        }
        if (u >= level && peaks[i]! > coinciding) coinciding = peaks[i]!;
        if (nicContended) {
          const d = u * netScale;
          const lvl = nicLevel[i]!;
          if (d > lvl) nicShort += d - lvl;
        }
      }
      nicDemand += utilSum * netScale;
      // The host's memory peak over the whole window covers a VM there all along; shorter stays scan their steps.
      let memMax = 0;
      if (from === 0 && end === S) memMax = memCap > 0 ? host.memOvercommitPeak[h]! * memCap : 0;
      else for (let t = from; t < end; t++) if (mem[base + t]! > memMax) memMax = mem[base + t]!;
      readySum += hostReady;
      if (memCap > 0 && memMax / memCap > memPeak) memPeak = memMax / memCap;
      host.readyNum[h]! += hostReady * vcpus;
      host.readyDen[h]! += (end - segStep[s]!) * vcpus;
    }
    vm.readySum[v] = readySum;
    vm.overloadedSteps[v] = overloaded;
    vm.storageContendedSteps[v] = storage;
    vm.coincidingPeaks[v] = coinciding;
    vm.memOvercommitPeak[v] = memPeak;
    vm.nicDemand[v] = nicDemand;
    vm.nicShortfall[v] = nicShort;
  }
}
