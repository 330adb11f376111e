/**
 * Proof of a plan before anyone touches a host: the rules re-run on the planned fleet (which findings clear,
 * which are added, which stay) and the simulation run on both fleets with the same window and seed
 * (scores, overload, energy, availability).
 */
import { CompiledRules } from '../engine/compile';
import { indexFleet } from '../engine/fleet-index';
import { auditView } from '../simulation/audit-figures';
import type { LoadedRule } from '../engine/types';
import type { ResourceType, Severity } from '../model/finding';
import type { Fleet } from '../model/fleet';
import type { SimulationResult } from '../simulation/result';
import { simulateFleet, type SimulationOptions } from '../simulation/simulate-fleet';

export interface FindingRef {
  ruleId: string;
  resourceType: ResourceType;
  resourceId: string;
  severity: Severity;
}

/** The rules a migration can change the outcome of: where a VM runs and what shares its host. */
export const PLACEMENT_RULES = [
  'perimeter.vm-placement-outside',
  'perimeter.clone-outside-source',
  'perimeter.mixed-trust-host',
  'consolidation.replicas-same-host',
  'consolidation.cluster-n-plus-one',
  'consolidation.vcpu-ratio-high',
  'consolidation.vcpu-ratio-warn',
  'consolidation.memory-overcommit',
  'consolidation.iops-over-capacity',
  'consolidation.nic-failover-capacity',
  'consolidation.coinciding-peaks',
  'consolidation.single-socket-crowded',
  'simulation.host-overloaded',
] as const;

export interface SimulationFigures {
  energyKWh: number;
  activeHosts: number;
  overloadedTimeFraction: number;
  cpuReadyPct: number;
  hostScoreMean: number;
  hostScoreMax: number;
  vmDowntimeHoursPerYearMean: number;
  antiAffinityViolations: number;
  clustersWithoutFailover: number;
  /** Largest share of trials, over clusters, in which some VM of a failed host could not restart. */
  pCannotRestartMax: number;
}

export interface PlanVerification {
  findingsBefore: number;
  findingsAfter: number;
  cleared: FindingRef[];
  added: FindingRef[];
  /** Placement findings (PLACEMENT_RULES) still there after the plan. */
  remainingPlacement: FindingRef[];
  simulation: { before: SimulationFigures; after: SimulationFigures };
}

const key = (f: Pick<FindingRef, 'ruleId' | 'resourceType' | 'resourceId'>) =>
  `${f.ruleId}\0${f.resourceType}\0${f.resourceId}`;
const order = (a: FindingRef, b: FindingRef) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export function auditFleet(fleet: Fleet, rules: readonly LoadedRule[], simulation: SimulationResult): FindingRef[] {
  return new CompiledRules(rules)
    .evaluate(indexFleet(fleet, auditView(simulation)))
    .hits.map((h) => ({
      ruleId: h.rule.id,
      resourceType: h.resourceType,
      resourceId: h.resourceId,
      severity: h.rule.severity,
    }))
    .sort(order);
}

function figures(r: SimulationResult): SimulationFigures {
  const f = r.fleet;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    energyKWh: round(f.energyKWh),
    activeHosts: f.activeHosts,
    overloadedTimeFraction: round(f.overloadedTimeFraction),
    cpuReadyPct: round(f.cpuReadyPct),
    hostScoreMean: round(f.hostScoreMean),
    hostScoreMax: round(f.hostScoreMax),
    vmDowntimeHoursPerYearMean: round(f.vmDowntimeHoursPerYearMean),
    antiAffinityViolations: f.antiAffinityViolations,
    clustersWithoutFailover: f.clustersWithoutFailover,
    pCannotRestartMax: round(Math.max(0, ...Object.values(r.clusters).map((c) => c.pCannotRestart))),
  };
}

export function verifyPlan(
  before: Fleet,
  after: Fleet,
  rules: readonly LoadedRule[],
  simulation: Omit<SimulationOptions, 'placement'> = {},
): PlanVerification {
  const simBefore = simulateFleet(before, simulation);
  const simAfter = simulateFleet(after, simulation);
  const findingsBefore = auditFleet(before, rules, simBefore);
  const findingsAfter = auditFleet(after, rules, simAfter);
  const beforeKeys = new Set(findingsBefore.map(key));
  const afterKeys = new Set(findingsAfter.map(key));
  const placement = new Set<string>(PLACEMENT_RULES);
  return {
    findingsBefore: findingsBefore.length,
    findingsAfter: findingsAfter.length,
    cleared: findingsBefore.filter((f) => !afterKeys.has(key(f))),
    added: findingsAfter.filter((f) => !beforeKeys.has(key(f))),
    remainingPlacement: findingsAfter.filter((f) => placement.has(f.ruleId)),
    simulation: { before: figures(simBefore), after: figures(simAfter) },
  };
}
