/** Runs performance, energy and availability over one fleet and assembles the SimulationResult. Pure. */
import type { Fleet } from '../model/fleet';
import { runAvailability } from './availability';
import {
  DEFAULT_AVAILABILITY,
  DEFAULT_COEFFICIENTS,
  type AvailabilityDefaults,
  type PerformanceCoefficients,
} from './coefficients';
import { compileFleet, SimulationInputError, type CompiledFleet } from './compile';
import { runPerformance, type PerformanceOutput } from './performance';
import type { PlacementTimeline } from './placement';
import type { HostResult, SimulationResult, VmResult } from './result';
import { summariseFleet, vmTotalsOf } from './summary';
import { defineLazyRecord } from '../report/formats/lazy-record';
import { round, scoreOf } from './score';
import type { Trace } from './trace';

export interface SimulationOptions {
  steps?: number;
  stepSeconds?: number;
  /** ISO time of step 0 (profiles place their peak hour against it). Default 1970-01-01T00:00:00Z, i.e. midnight UTC. */
  start?: string;
  seed?: number;
  trials?: number;
  traces?: ReadonlyMap<string, Trace>;
  placement?: PlacementTimeline;
  coefficients?: Partial<PerformanceCoefficients>;
  availability?: Partial<AvailabilityDefaults>;
}

export const DEFAULT_STEPS = 288;
export const DEFAULT_STEP_SECONDS = 300;
export const DEFAULT_TRIALS = 10_000;
export const DEFAULT_SEED = 1;

export function simulateFleet(fleet: Fleet, opts: SimulationOptions = {}): SimulationResult {
  const steps = opts.steps ?? DEFAULT_STEPS;
  const stepSeconds = opts.stepSeconds ?? DEFAULT_STEP_SECONDS;
  if (!Number.isInteger(steps) || steps <= 0)
    throw new SimulationInputError(`steps must be a positive integer, got ${steps}`);
  if (!(stepSeconds > 0)) throw new SimulationInputError(`step seconds must be positive, got ${stepSeconds}`);
  const start = opts.start ?? '1970-01-01T00:00:00.000Z';
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new SimulationInputError(`start is not a date-time: ${start}`);
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const trials = opts.trials ?? DEFAULT_TRIALS;
  const coef: PerformanceCoefficients = { ...DEFAULT_COEFFICIENTS, ...opts.coefficients };
  const availDefaults: AvailabilityDefaults = { ...DEFAULT_AVAILABILITY, ...opts.availability };

  const compiled = compileFleet(fleet, {
    clock: { steps, stepSeconds, startMs },
    seed,
    ...(opts.traces && { traces: opts.traces }),
    ...(opts.placement && { placement: opts.placement }),
    coefficients: coef,
  });
  const perf = runPerformance(compiled, coef);
  const avail = runAvailability(availabilityInput(fleet, compiled, perf, availDefaults), {
    trials,
    seed,
    defaults: availDefaults,
  });

  const S = steps;
  const hosts: Record<string, HostResult> = {};
  const hostList: HostResult[] = [];
  compiled.hostIds.forEach((id, h) => {
    const m = perf.host;
    const active = m.activeSteps[h]!;
    const hasCurve = compiled.hasPower[h] === 1;
    const per = (x: number) => (active > 0 ? x / active : 0);
    const figures = {
      overloadedTimeFraction: per(m.overloadedSteps[h]!),
      cpuReadyPct: m.readyDen[h]! > 0 ? (100 * m.readyNum[h]!) / m.readyDen[h]! : 0,
      memoryOvercommit: m.memOvercommitPeak[h]!,
      nicContention: per(m.nicContendedSteps[h]!),
      storageContentionTimeFraction: per(m.storageContendedSteps[h]!),
      coincidingPeaks: m.coincidingPeaks[h]!,
    };
    const { score, reasons } = scoreOf(figures, 'host');
    const a = avail.hosts[h]!;
    const hostResult: HostResult = {
      cluster: compiled.clusterIds[compiled.hostCluster[h]!]!,
      score,
      reasons,
      vms: m.distinctVms[h]!,
      capacityMHz: compiled.capacityMHz[h]!,
      activeSteps: active,
      overloadedSteps: m.overloadedSteps[h]!,
      overloadedAt: m.overloadedAt[h] ?? [],
      activeTimeFraction: round(active / S, 6),
      overloadedTimeFraction: round(figures.overloadedTimeFraction, 6),
      cpuReadyPct: round(figures.cpuReadyPct, 4),
      vcpuSteps: m.readyDen[h]!,
      cpuUtilAvgPct: round(per(100 * m.cpuUtilSum[h]!), 3),
      cpuUtilPeakPct: round(100 * m.cpuUtilPeak[h]!, 3),
      memoryOvercommit: round(figures.memoryOvercommit, 4),
      memoryOvercommitAvg: round(per(m.memOvercommitSum[h]!), 4),
      nicContentionTimeFraction: round(figures.nicContention, 6),
      nicUtilPeakPct: round(100 * m.nicUtilPeak[h]!, 3),
      storageContentionTimeFraction: round(figures.storageContentionTimeFraction, 6),
      storageUtilPeakPct: round(100 * m.storageUtilPeak[h]!, 3),
      coincidingPeaks: figures.coincidingPeaks,
      ioOverheadMHzAvg: round(per(m.ioOverheadSum[h]!), 3),
      energyKWh: hasCurve ? round(m.energyJ[h]! / 3.6e6, 6) : null,
      inService: compiled.inService[h] === 1,
      availability: {
        unavailability: a.unavailability,
        isolation: a.isolation,
        failuresPerYear: round(a.failuresPerYear, 6),
        singleFailureRestartable: a.singleFailureRestartable,
        blastRadius: a.blastRadius,
      },
    };
    hosts[id] = hostResult;
    hostList.push(hostResult);
  });

  const vmAt = vmResults(compiled, perf, avail.vmDowntimeHoursPerYear, S);
  // The summary's VM figures from the figures the results will carry, without making the results.
  const totals = vmTotalsOf(
    compiled.vmIds.length,
    (v) => runningFraction(perf.vm.runningSteps[v]!, S),
    (v) => downtimeFigure(avail.vmDowntimeHoursPerYear[v]!),
  );
  const fleetSummary = summariseFleet(hostList, totals, avail.clusters, avail.antiAffinity.length, S);

  const result: SimulationResult = {
    kind: 'hyperaudit.simulation',
    version: 1,
    accounting: 'native',
    window: { start: new Date(startMs).toISOString(), steps, stepSeconds },
    seed,
    trials: avail.trials,
    coefficients: coef,
    availabilityDefaults: availDefaults,
    fleet: fleetSummary,
    hosts,
    vms: {},
    clusters: avail.clusters,
    apps: avail.apps,
    antiAffinity: avail.antiAffinity,
    warnings: compiled.warnings,
  };
  defineLazyVms(result, compiled.vmIds, vmAt);
  return result;
}

/** A VM result's `runningTimeFraction`: of the window's `steps`, the share it ran. */
function runningFraction(runningSteps: number, steps: number): number {
  return round(runningSteps / steps, 6);
}

/** A VM result's `expectedDowntimeHoursPerYear`: null when the Monte Carlo gave none (NaN). */
function downtimeFigure(hoursPerYear: number): number | null {
  return Number.isNaN(hoursPerYear) ? null : round(hoursPerYear, 6);
}

/**
 * Built when read; a JSON writer that takes the entries one by one makes each VM's result as it encodes it. Made
 * here, not in simulateFleet: a closure there shares its scope with the host loop's, which holds the compiled fleet
 * (its utilisation matrix, V × steps) until the record is built.
 */
function defineLazyVms(result: SimulationResult, ids: readonly string[], vmAt: (v: number) => VmResult): void {
  defineLazyRecord(result, 'vms', ids, function* () {
    for (let v = 0; v < ids.length; v++) yield [ids[v]!, vmAt(v)] as const;
  });
}

/**
 * The result of VM v, made afresh at each call from the run's arrays (which it keeps, not the compiled fleet's
 * utilisation). Pure: the same v gives an equal object.
 */
function vmResults(
  compiled: CompiledFleet,
  perf: PerformanceOutput,
  vmDowntimeHoursPerYear: Float64Array,
  S: number,
): (v: number) => VmResult {
  const { hostIds, clusterIds, hostCluster, segStart, segHost, vmApp, vmRole } = compiled;
  const ends = { segStart, segHost };
  const m = perf.vm;
  // One figures object reused for every VM: scoreOf reads it and keeps nothing.
  const figures = {
    overloadedTimeFraction: 0,
    cpuReadyPct: 0,
    memoryOvercommit: 0,
    nicContention: 0,
    storageContentionTimeFraction: 0,
    coincidingPeaks: 0,
  };
  return (v) => {
    const n = m.runningSteps[v]!;
    const inv = n > 0 ? 1 / n : 0;
    const per = (x: number) => x * inv;
    figures.overloadedTimeFraction = m.overloadedSteps[v]! * inv;
    figures.cpuReadyPct = 100 * m.readySum[v]! * inv;
    figures.memoryOvercommit = m.memOvercommitPeak[v]!;
    figures.nicContention = m.nicDemand[v]! > 0 ? m.nicShortfall[v]! / m.nicDemand[v]! : 0;
    figures.storageContentionTimeFraction = m.storageContendedSteps[v]! * inv;
    figures.coincidingPeaks = m.coincidingPeaks[v]!;
    const { score, reasons } = scoreOf(figures, 'vm');
    const endHost = hostAtEnd(ends, v);
    const downtime = vmDowntimeHoursPerYear[v]!;
    const endCluster = endHost >= 0 ? clusterIds[hostCluster[endHost]!]! : null;
    const result: VmResult = {
      hostId: endHost >= 0 ? hostIds[endHost]! : null,
      cluster: endCluster,
      score,
      reasons,
      runningTimeFraction: runningFraction(n, S),
      cpuDemandAvgMHz: round(per(m.cpuDemandSum[v]!), 3),
      ioOverheadMHzAvg: round(per(m.ioOverheadSum[v]!), 3),
      cpuReadyPct: round(figures.cpuReadyPct, 4),
      overloadedTimeFraction: round(figures.overloadedTimeFraction, 6),
      memoryOvercommit: round(figures.memoryOvercommit, 4),
      nicShortfallPct: round(100 * figures.nicContention, 4),
      storageContentionTimeFraction: round(figures.storageContentionTimeFraction, 6),
      coincidingPeaks: figures.coincidingPeaks,
      peakStep: m.peakStep[v]! >= 0 ? m.peakStep[v]! : null,
      expectedDowntimeHoursPerYear: downtimeFigure(downtime),
    };
    // Assigned, not spread: spreading per VM costs more than the rest of the object at 100k VMs.
    const app = vmApp[v];
    const role = vmRole[v];
    if (app !== undefined) result.app = app;
    if (role !== undefined) result.role = role;
    return result;
  };
}

/** Host of the VM's last segment when that segment runs to the end of the window. */
function hostAtEnd(f: Pick<CompiledFleet, 'segStart' | 'segHost'>, v: number): number {
  const last = f.segStart[v + 1]! - 1;
  return last >= f.segStart[v]! ? f.segHost[last]! : -1;
}

export function availabilityInput(fleet: Fleet, f: CompiledFleet, perf: PerformanceOutput, d: AvailabilityDefaults) {
  const H = f.hostIds.length;
  const V = f.vmIds.length;
  const vmHost = new Int32Array(V);
  const vmCpu = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    vmHost[v] = hostAtEnd(f, v);
    const n = perf.vm.runningSteps[v]!;
    vmCpu[v] = n > 0 ? perf.vm.cpuDemandSum[v]! / n : 0;
  }
  const usedCpu = new Float64Array(H);
  const usedMem = new Float64Array(H);
  for (let v = 0; v < V; v++) {
    const h = vmHost[v]!;
    if (h < 0) continue;
    usedCpu[h]! += vmCpu[v]!;
    usedMem[h]! += f.vmMemMiB[v]!;
  }
  const mtbf = new Float64Array(H);
  const mttr = new Float64Array(H);
  const spareCpu = new Float64Array(H);
  const spareMem = new Float64Array(H);
  for (let h = 0; h < H; h++) {
    const host = fleet.hosts.get(f.hostIds[h]!)!;
    mtbf[h] = host.mtbfHours ?? d.hostMtbfHours;
    mttr[h] = host.mttrHours ?? d.hostMttrHours;
    spareCpu[h] = f.capacityMHz[h]! > 0 ? Math.max(0, f.capacityMHz[h]! - usedCpu[h]!) : Number.POSITIVE_INFINITY;
    spareMem[h] = f.hostMemMiB[h]! > 0 ? Math.max(0, f.hostMemMiB[h]! - usedMem[h]!) : Number.POSITIVE_INFINITY;
  }
  return {
    hostIds: f.hostIds,
    clusterIds: f.clusterIds,
    hostCluster: f.hostCluster,
    inService: f.inService,
    mtbfHours: mtbf,
    mttrHours: mttr,
    uplinks: f.hostUplinks,
    spareCpu,
    spareMem,
    vmIds: f.vmIds,
    vmHost,
    vmCpu,
    vmMem: f.vmMemMiB,
    vmApp: f.vmApp,
    vmRole: f.vmRole,
  };
}
