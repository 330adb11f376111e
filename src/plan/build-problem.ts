/**
 * Fleet → placement problem. Demand comes from the simulation's own compiled model (utilisation per step,
 * I/O overhead per adapter and controller), so what the planner calls an overload is what the simulation
 * and the simulation.host-overloaded rule call one.
 */
import { perimetersOfHost } from '../engine/facts/perimeter';
import { isRunning } from '../model/vm';
import { PEAK_PCT } from '../engine/facts/consolidation';
import { indexFleet } from '../engine/fleet-index';
import type { LoadedRule } from '../engine/types';
import type { Fleet, HostView } from '../model/fleet';
import { DEFAULT_COEFFICIENTS } from '../simulation/coefficients';
import { clusterOf, compileFleet } from '../simulation/compile';
import {
  DEFAULT_SEED,
  DEFAULT_STEP_SECONDS,
  DEFAULT_STEPS,
  type SimulationOptions,
} from '../simulation/simulate-fleet';
import { DEFAULT_LIMITS, type PlanHost, type PlanLimits, type PlanProblem, type PlanVm } from './problem';

function serving(h: HostView): boolean {
  return h.maintenanceMode !== true && h.connectionState !== 'disconnected' && h.connectionState !== 'notResponding';
}

function numberParam(rules: readonly LoadedRule[], ruleId: string, param: string, fallback: number): number {
  const value = rules.find((r) => r.id === ruleId)?.params[param];
  return typeof value === 'number' ? value : fallback;
}

/** The thresholds of the loaded rules, so a plan clears exactly what the audit flags. */
export function limitsFromRules(rules: readonly LoadedRule[]): PlanLimits {
  const d = DEFAULT_LIMITS;
  return {
    targetVcpuPerCore: numberParam(rules, 'consolidation.vcpu-ratio-warn', 'warn', d.targetVcpuPerCore),
    findingVcpuPerCore: numberParam(rules, 'consolidation.vcpu-ratio-high', 'high', d.findingVcpuPerCore),
    targetMemoryRatio: d.targetMemoryRatio,
    findingMemoryRatio: numberParam(rules, 'consolidation.memory-overcommit', 'max', d.findingMemoryRatio),
    iopsRatio: numberParam(rules, 'consolidation.iops-over-capacity', 'max', d.iopsRatio),
    maxCoincidingPeaks: numberParam(rules, 'consolidation.coinciding-peaks', 'maxCoinciding', d.maxCoincidingPeaks),
    singleSocketMaxVms: numberParam(rules, 'consolidation.single-socket-crowded', 'maxVms', d.singleSocketMaxVms),
    overloadFraction: numberParam(rules, 'simulation.host-overloaded', 'maxFraction', d.overloadFraction),
  };
}

export interface BuildOptions {
  limits?: PlanLimits;
  simulation?: Pick<SimulationOptions, 'steps' | 'stepSeconds' | 'start' | 'seed' | 'traces'>;
}

export function buildProblem(fleet: Fleet, opts: BuildOptions = {}): PlanProblem {
  const sim = opts.simulation ?? {};
  const steps = sim.steps ?? DEFAULT_STEPS;
  const compiled = compileFleet(fleet, {
    clock: {
      steps,
      stepSeconds: sim.stepSeconds ?? DEFAULT_STEP_SECONDS,
      startMs: Date.parse(sim.start ?? '1970-01-01T00:00:00.000Z'),
    },
    seed: (sim.seed ?? DEFAULT_SEED) >>> 0,
    ...(sim.traces && { traces: sim.traces }),
    coefficients: DEFAULT_COEFFICIENTS,
    // The planner weighs every VM on candidate hosts at every step, running there now or not.
    utilRows: true,
  });
  const index = indexFleet(fleet);
  const hosts: PlanHost[] = compiled.hostIds.map((id, h) => {
    const host = fleet.hosts.get(id)!;
    const speeds = (host.nics ?? []).map((n) => n.speedMbps);
    const out: PlanHost = {
      id,
      name: host.name ?? id,
      cluster: clusterOf(host),
      serving: serving(host),
      sockets: host.cpu?.sockets ?? 0,
      cores: host.cpu ? host.cpu.sockets * host.cpu.coresPerSocket : 0,
      coreMHz: compiled.coreMHz[h]!,
      capacityMHz: compiled.capacityMHz[h]!,
      memMiB: host.memoryMiB ?? 0,
      nicN1Mbps: speeds.length > 0 ? speeds.reduce((a, b) => a + b, 0) - Math.max(...speeds) : null,
      iopsCapacity: host.storage?.iopsCapacity && host.storage.iopsCapacity > 0 ? host.storage.iopsCapacity : null,
      perimeterSet: perimetersOfHost(index, host).join(','),
    };
    if (host.datacenter !== undefined) out.datacenter = host.datacenter;
    if (host.hypervisor) out.vendor = host.hypervisor.vendor;
    return out;
  });
  const S = steps;
  const vms: PlanVm[] = compiled.vmIds.map((id, v) => {
    const vm = fleet.vms.get(id)!;
    const util = compiled.util.subarray(v * S, (v + 1) * S);
    let sum = 0;
    for (let t = 0; t < S; t++) sum += util[t]!;
    const mean = sum / S;
    // As in the simulation: network and storage follow the CPU shape, scaled so their mean is the reported rate.
    const ioMHzPerUtil =
      mean > 0
        ? (compiled.vmNetMbps[v]! / mean) * compiled.nicMHzPerMbps[v]! +
          (compiled.vmIops[v]! / mean) * compiled.ioMHzPerIops[v]!
        : 0;
    const out: PlanVm = {
      id,
      name: vm.name ?? id,
      hostId: vm.hostId,
      running: isRunning(vm),
      vcpus: vm.vcpus ?? 0,
      memMiB: vm.memoryMiB ?? 0,
      netMbps: vm.workload?.netMbps ?? 0,
      iops: vm.workload?.iops ?? 0,
      n1PeakPct: vm.workload?.cpuPeakPct ?? 100,
      util,
      ioMHzPerUtil,
    };
    if (vm.perimeter !== undefined) {
      out.perimeter = vm.perimeter;
      if (vm.perimeterSource) out.perimeterSource = vm.perimeterSource;
      const level = fleet.perimeters.get(vm.perimeter)?.trustLevel;
      if (level !== undefined) out.trustLevel = level;
    }
    const app = vm.labels?.app;
    const role = vm.labels?.role;
    if (app !== undefined && role !== undefined) out.replicaKey = `${String(app)}\0${String(role)}`;
    const w = vm.workload;
    if (w?.peakHourUtc !== undefined && (w.cpuPeakPct ?? 0) >= PEAK_PCT) out.peakHour = w.peakHourUtc;
    return out;
  });
  return { hosts, vms, perimeters: fleet.perimeters, limits: opts.limits ?? DEFAULT_LIMITS, steps: S };
}
