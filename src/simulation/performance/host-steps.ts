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

/** Host × step rows the VM pass reads back, laid out as HostDemand's (index h·width + (t − first)). */
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
  const H = f.hostIds.length;
  const { first, width: W, cpu, net, iops, mem, count, peaks } = demand;
  const HS = H * W;
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
    const base = h * W;
    for (let j = 1; j < W; j++) {
      mem[base + j]! += mem[base + j - 1]!;
      count[base + j]! += count[base + j - 1]!;
    }
    // Steps before the rows start: no demand on any host, so an idle draw, added in step order as before.
    if (powered) for (let t = 0; t < first; t++) host.energyJ[h]! += idlePower(f, h) * f.clock.stepSeconds;
    for (let j = 0; j < W; j++) {
      const t = first + j;
      const i = base + j;
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

/** A powered host's draw at a step with no demand on it (utilisation 0). */
function idlePower(f: CompiledFleet, h: number): number {
  return specPowerWatts(f.hostPower, 0, h * 11);
}
