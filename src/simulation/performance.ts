/**
 * The per-step performance kernel. Three passes over typed arrays:
 *  1. VMs add CPU (incl. I/O virtualisation overhead), network, IOPS, memory and peak counts into their
 *     host's row, by index;
 *  2. each host-step gets its load ratio, ready factor, NIC fair-share level, storage utilisation, power;
 *  3. each VM reads back what its host looked like at the steps it ran there.
 */
import type { CompiledFleet } from './compile';
import type { PerformanceCoefficients } from './coefficients';
import { specPowerWatts } from './energy';

export interface HostMetrics {
  activeSteps: Int32Array;
  overloadedSteps: Int32Array;
  /** Step indices at which the host was overloaded; most hosts never are, so only those get an array. */
  overloadedAt: (number[] | undefined)[];
  cpuUtilSum: Float64Array;
  cpuUtilPeak: Float64Array;
  readyNum: Float64Array;
  readyDen: Float64Array;
  memOvercommitPeak: Float64Array;
  memOvercommitSum: Float64Array;
  nicContendedSteps: Int32Array;
  nicUtilPeak: Float64Array;
  storageContendedSteps: Int32Array;
  storageUtilPeak: Float64Array;
  coincidingPeaks: Int32Array;
  energyJ: Float64Array;
  ioOverheadSum: Float64Array;
  /** Mean CPU demand (MHz) over the window, for HA restart sizing. */
  cpuDemandSum: Float64Array;
  distinctVms: Int32Array;
}

export interface VmMetrics {
  runningSteps: Int32Array;
  readySum: Float64Array;
  overloadedSteps: Int32Array;
  nicDemand: Float64Array;
  nicShortfall: Float64Array;
  storageContendedSteps: Int32Array;
  coincidingPeaks: Int32Array;
  memOvercommitPeak: Float64Array;
  cpuDemandSum: Float64Array;
  ioOverheadSum: Float64Array;
  peakStep: Int32Array;
  meanUtil: Float64Array;
  /** Host index at the last step the VM ran (−1 if it never ran). */
  lastHost: Int32Array;
}

const READY_TABLE_SIZE = 2048;

/**
 * readyFactor below saturation tabulated per core count at 1/2048 of ρ (up to 0.95) and interpolated
 * linearly: Math.pow per host-step was a quarter of the kernel's time; the interpolation error is under 1e-4
 * relative.
 */
function readyTable(cores: number, cache: Map<number, Float64Array>): Float64Array {
  let table = cache.get(cores);
  if (!table) {
    table = new Float64Array(READY_TABLE_SIZE + 2);
    const exponent = Math.sqrt(2 * (cores + 1));
    for (let k = 0; k <= READY_TABLE_SIZE + 1; k++)
      table[k] = readyFactor((0.95 * Math.min(k, READY_TABLE_SIZE)) / READY_TABLE_SIZE, cores, exponent);
    cache.set(cores, table);
  }
  return table;
}

function tabulatedReady(table: Float64Array, rho: number): number {
  const r = Math.min(rho, 0.95);
  const x = (r / 0.95) * READY_TABLE_SIZE;
  const k = Math.floor(x);
  const queue = table[k]! + (table[k + 1]! - table[k]!) * (x - k);
  return rho > 1 ? queue + (1 - 1 / rho) : queue;
}

const OVERLOADED = 1;
const STORAGE = 2;

export interface PerformanceOutput {
  host: HostMetrics;
  vm: VmMetrics;
}

/**
 * Wait per unit of service in an M/M/c queue, Sakasegawa's approximation ρ^√(2(c+1)) / (c(1−ρ)), with ρ
 * held at 0.95 (where the approximation still holds) plus the demand that cannot run at all above 1.
 */
export function readyFactor(rho: number, cores: number, exponent = Math.sqrt(2 * (cores + 1))): number {
  if (rho <= 0 || cores <= 0) return 0;
  const r = Math.min(rho, 0.95);
  const queue = r ** exponent / (cores * (1 - r));
  return rho > 1 ? queue + (1 - 1 / rho) : queue;
}

export function runPerformance(f: CompiledFleet, coef: PerformanceCoefficients): PerformanceOutput {
  const S = f.clock.steps;
  const H = f.hostIds.length;
  const V = f.vmIds.length;
  const HS = H * S;
  const cpu = new Float64Array(HS);
  const net = new Float64Array(HS);
  const iops = new Float64Array(HS);
  const mem = new Float64Array(HS);
  const count = new Int32Array(HS);
  const peaks = new Int32Array(HS);
  const { util, segStart, segStep, segHost } = f;

  const vm: VmMetrics = {
    runningSteps: new Int32Array(V),
    readySum: new Float64Array(V),
    overloadedSteps: new Int32Array(V),
    nicDemand: new Float64Array(V),
    nicShortfall: new Float64Array(V),
    storageContendedSteps: new Int32Array(V),
    coincidingPeaks: new Int32Array(V),
    memOvercommitPeak: new Float64Array(V),
    cpuDemandSum: new Float64Array(V),
    ioOverheadSum: new Float64Array(V),
    peakStep: new Int32Array(V).fill(-1),
    meanUtil: new Float64Array(V),
    lastHost: new Int32Array(V).fill(-1),
  };
  const peakLevel = new Float64Array(V);
  const distinct = new Int32Array(H);
  const lastSeen = new Int32Array(H).fill(-1);

  // Pass 0: each VM's mean and peak while it runs (I/O follows the CPU shape; peaks are relative).
  for (let v = 0; v < V; v++) {
    let sum = 0;
    let n = 0;
    let max = -1;
    let maxAt = -1;
    const row = v * S;
    for (let s = segStart[v]!; s < segStart[v + 1]!; s++) {
      if (segHost[s]! < 0) continue;
      const end = s + 1 < segStart[v + 1]! ? segStep[s + 1]! : S;
      for (let t = segStep[s]!; t < end; t++) {
        const u = util[row + t]!;
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

  const host: HostMetrics = {
    activeSteps: new Int32Array(H),
    overloadedSteps: new Int32Array(H),
    overloadedAt: new Array<number[] | undefined>(H),
    cpuUtilSum: new Float64Array(H),
    cpuUtilPeak: new Float64Array(H),
    readyNum: new Float64Array(H),
    readyDen: new Float64Array(H),
    memOvercommitPeak: new Float64Array(H),
    memOvercommitSum: new Float64Array(H),
    nicContendedSteps: new Int32Array(H),
    nicUtilPeak: new Float64Array(H),
    storageContendedSteps: new Int32Array(H),
    storageUtilPeak: new Float64Array(H),
    coincidingPeaks: new Int32Array(H),
    energyJ: new Float64Array(H),
    ioOverheadSum: new Float64Array(H),
    cpuDemandSum: new Float64Array(H),
    distinctVms: distinct,
  };

  // Pass 1: add VM demand into host rows.
  const vmCpuSum = vm.cpuDemandSum;
  const vmIoSum = vm.ioOverheadSum;
  const hostIoSum = host.ioOverheadSum;
  for (let v = 0; v < V; v++) {
    const row = v * S;
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
      const shift = h * S - row;
      // Memory and VM count are constant over a segment: difference arrays, prefix-summed in pass 2.
      mem[h * S + segStep[s]!]! += memMiB;
      count[h * S + segStep[s]!]!++;
      if (end < S) {
        mem[h * S + end]! -= memMiB;
        count[h * S + end]!--;
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

  // Pass 2: per host-step figures.
  const ready = new Float32Array(HS);
  const rhoAt = new Float32Array(HS);
  const nicLevel = new Float32Array(HS).fill(Number.POSITIVE_INFINITY);
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
  if (contendedNicSteps > 0) fillNicLevels(f, vm.meanUtil, net, nicLevel);

  // Pass 3: what each VM saw on its host.
  for (let v = 0; v < V; v++) {
    const row = v * S;
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
      const shift = h * S - row;
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
      else for (let t = from; t < end; t++) if (mem[h * S + t]! > memMax) memMax = mem[h * S + t]!;
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
  return { host, vm };
}

/**
 * Max-min fair share of the host uplinks at contended host-steps: every VM gets up to a common level, VMs
 * wanting less keep their demand. Only contended steps pay for collecting and sorting the demands.
 */
function fillNicLevels(f: CompiledFleet, meanUtil: Float64Array, net: Float64Array, nicLevel: Float32Array): void {
  const S = f.clock.steps;
  const H = f.hostIds.length;
  const V = f.vmIds.length;
  // Host → (vm, from, to) segments, built once.
  const perHost: number[][] = Array.from({ length: H }, () => []);
  for (let v = 0; v < V; v++) {
    for (let s = f.segStart[v]!; s < f.segStart[v + 1]!; s++) {
      const h = f.segHost[s]!;
      if (h < 0) continue;
      const end = s + 1 < f.segStart[v + 1]! ? f.segStep[s + 1]! : S;
      perHost[h]!.push(v, f.segStep[s]!, end);
    }
  }
  const demands: number[] = [];
  for (let h = 0; h < H; h++) {
    const cap = f.hostNicMbps[h]!;
    if (cap <= 0) continue;
    const segs = perHost[h]!;
    for (let t = 0; t < S; t++) {
      const i = h * S + t;
      if (net[i]! <= cap) continue;
      demands.length = 0;
      for (let k = 0; k < segs.length; k += 3) {
        const v = segs[k]!;
        if (t < segs[k + 1]! || t >= segs[k + 2]!) continue;
        const mean = meanUtil[v]!;
        if (mean > 0) demands.push((f.util[v * S + t]! * f.vmNetMbps[v]!) / mean);
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
