/**
 * What the audit's simulation and availability rules read of a simulation result: the shape `simulation/latest`
 * stores (src/app/simulate.ts, `storedForm`) and the plan's verification hands the rules directly, so a finding
 * means the same whether the figures came from the store or from a fresh run.
 */
import { lostReplicaSets, vmDowntimeHours } from './availability-figures';
import type { HostResult, SimulationResult } from './result';

/** The per-host figures the rules read as facts (`sim.overloadedTimeFraction`, `sim.blastRadiusVms`, …). */
export function hostFigures(h: HostResult): Record<string, number | string | boolean | null> {
  return {
    cluster: h.cluster,
    score: h.score,
    topReason: h.reasons[0]?.component ?? null,
    overloadedTimeFraction: h.overloadedTimeFraction,
    cpuReadyPct: h.cpuReadyPct,
    cpuUtilAvgPct: h.cpuUtilAvgPct,
    cpuUtilPeakPct: h.cpuUtilPeakPct,
    memoryOvercommit: h.memoryOvercommit,
    nicContentionTimeFraction: h.nicContentionTimeFraction,
    storageContentionTimeFraction: h.storageContentionTimeFraction,
    coincidingPeaks: h.coincidingPeaks,
    energyKWh: h.energyKWh,
    unavailability: h.availability.unavailability,
    blastRadiusVms: h.availability.blastRadius.vms,
    blastRadiusApps: h.availability.blastRadius.apps,
    appsLostOnFailure: h.availability.blastRadius.appsLost.length,
    singleFailureRestartable: h.availability.singleFailureRestartable ? 1 : 0,
  };
}

/** Every host's figures, by host id. */
export function auditHosts(result: SimulationResult): Record<string, ReturnType<typeof hostFigures>> {
  return Object.fromEntries(Object.entries(result.hosts).map(([id, h]) => [id, hostFigures(h)]));
}

/**
 * Everything the rules read, in the stored shape (src/engine/facts/simulation-input.ts parses it). `hosts`: the
 * figures `auditHosts` gives, when the caller has them already.
 */
export function auditView(result: SimulationResult, hosts = auditHosts(result)) {
  return {
    hosts,
    clusters: result.clusters,
    vmDowntimeHoursPerYear: vmDowntimeHours(result),
    lostReplicaSets: lostReplicaSets(result),
  };
}
