/** Pass 2 of the performance kernel: each host-step's load ratio, ready factor, contention flags and power. */
import type { CompiledFleet } from '../compile';
import type { PerformanceCoefficients } from '../coefficients';
import { specPowerWatts } from '../energy';
import type { HostDemand } from './host-demand';
import type { HostMetrics } from './metrics';
import { readyTable, tabulatedReady } from './ready-factor';

/** Bits of `HostSteps.flags`. */
export const OVERLOADED = 1;
export const STORAGE = 2;

/** Host × step rows (index h·S + t) the VM pass reads back. */
export interface HostSteps {
  ready: Float32Array;
  rhoAt: Float32Array;
  flags: Uint8Array;
  /** Host-steps whose NIC demand exceeded the uplinks: only then is the fair share worth computing. */
  contendedNicSteps: number;
}

/** Prefix-sums the memory and count rows of `demand` in place and fills the host metrics. */
export function scoreHostSteps(
  f: CompiledFleet,
  coef: PerformanceCoefficients,
  demand: HostDemand,
  host: HostMetrics,
): HostSteps {
  const S = f.clock.steps;
  const H = f.hostIds.length;
  const HS = H * S;
  const { cpu, net, iops, mem, count, peaks } = demand;
  const ready = new Float32Array(HS);
  const rhoAt = new Float32Array(HS);
  const flags = new Uint8Array(HS);
  const readyTables = new Map<number, Float64Array>();
  let contendedNicSteps = 0;
  for (let h = 0; h < H; h++) {
    const cap = f.capacityMHz[h]!;
    const cores = f.effectiveCores[h]!;
    const table = cores > 0 ? readyTable(cores, readyTables) : undefined;
    const memCap = f.hostMemMiB[h]!;
    const nicCap = f.hostNicMbps[h]!;
    const iopsCap = f.hostIops[h]!;
    const powered = f.inService[h] === 1 && f.hasPower[h] === 1;
    const base = h * S;
    for (let t = 1; t < S; t++) {
      mem[base + t]! += mem[base + t - 1]!;
      count[base + t]! += count[base + t - 1]!;
    }
    for (let t = 0; t < S; t++) {
      const i = base + t;
      const rho = cap > 0 ? cpu[i]! / cap : 0;
      rhoAt[i] = rho;
      if (powered) host.energyJ[h]! += specPowerWatts(f.hostPower, rho, h * 11) * f.clock.stepSeconds;
      if (count[i] === 0) continue;
      host.activeSteps[h]!++;
      host.cpuDemandSum[h]! += cpu[i]!;
      if (cap > 0) {
        if (cpu[i]! > cap) {
          host.overloadedSteps[h]!++;
          const overloadedAt = host.overloadedAt[h] ?? [];
          overloadedAt.push(t);
          host.overloadedAt[h] = overloadedAt;
          flags[i] = OVERLOADED;
        }
        host.cpuUtilSum[h]! += rho;
        if (rho > host.cpuUtilPeak[h]!) host.cpuUtilPeak[h] = rho;
        ready[i] = table ? tabulatedReady(table, rho) : 0;
      }
      if (memCap > 0) {
        const oc = mem[i]! / memCap;
        host.memOvercommitSum[h]! += oc;
        if (oc > host.memOvercommitPeak[h]!) host.memOvercommitPeak[h] = oc;
      }
      if (nicCap > 0) {
        const nu = net[i]! / nicCap;
        if (nu > host.nicUtilPeak[h]!) host.nicUtilPeak[h] = nu;
        if (nu > 1) {
          host.nicContendedSteps[h]!++;
          contendedNicSteps++;
        }
      }
      if (iopsCap > 0) {
        const su = iops[i]! / iopsCap;
        if (su > host.storageUtilPeak[h]!) host.storageUtilPeak[h] = su;
        if (su > coef.storageContentionUtilisation) {
          host.storageContendedSteps[h]!++;
          flags[i]! |= STORAGE;
        }
      }
      if (peaks[i]! > host.coincidingPeaks[h]!) host.coincidingPeaks[h] = peaks[i]!;
    }
  }
  return { ready, rhoAt, flags, contendedNicSteps };
}
