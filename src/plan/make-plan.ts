/**
 * Fleet → checked plan: the greedy placement, its execution order (replayed step by step), the operator's
 * command per step, and the audit and simulation of the fleet it leaves. Pure: the use case (src/app/plan.ts)
 * reads the store and the traces, this does the rest.
 */
import type { LoadedRule } from '../engine/types';
import type { Fleet } from '../model/fleet';
import type { SimulationOptions } from '../simulation/simulate-fleet';
import { applyPlan } from './apply-plan';
import { buildProblem, limitsFromRules } from './build-problem';
import { maintenanceCommand, migrationCommand, type StepCommand, type VmwareTool } from './commands';
import { planPlacement } from './planner';
import type { PlanGoal, PlanMove, Unresolved, Violation } from './problem';
import { orderAssignment, replayMoves } from './sequence';
import { verifyPlan, type PlanVerification } from './verify-plan';

export interface PlanStep extends PlanMove, StepCommand {
  step: number;
  vmName: string;
}

export interface MaintenanceStep extends StepCommand {
  hostId: string;
  /** Runs after this step (the host's last evacuation). */
  afterStep: number;
}

export interface FleetPlan {
  kind: 'hyperaudit.plan';
  version: 1;
  goal: PlanGoal;
  maxMoves: number;
  generatedAt: string;
  steps: PlanStep[];
  maintenance: MaintenanceStep[];
  violationsBefore: Violation[];
  unresolved: Unresolved[];
  budgetExhausted: boolean;
  verification: PlanVerification;
  warnings: string[];
}

export interface MakePlanOptions {
  goal: PlanGoal;
  maxMoves: number;
  rules: readonly LoadedRule[];
  vmwareTool?: VmwareTool;
  simulation?: Omit<SimulationOptions, 'placement'>;
  now?: string;
}

export function makePlan(fleet: Fleet, opts: MakePlanOptions): FleetPlan {
  const problem = buildProblem(fleet, {
    limits: limitsFromRules(opts.rules),
    ...(opts.simulation && { simulation: opts.simulation }),
  });
  const outcome = planPlacement(problem, { goal: opts.goal, maxMoves: opts.maxMoves });
  const warnings: string[] = [];
  let moves = outcome.moves;
  // The planner checks each move where it runs; replaying guards the claim that the printed order is valid.
  const failure = replayMoves(problem, moves);
  if (failure) {
    const ordered = orderAssignment(
      problem,
      outcome.final.hostOf,
      (id) => moves.find((m) => m.vmId === id)?.reason ?? 'planned',
    );
    moves = ordered.moves;
    if (ordered.blocked.length > 0)
      warnings.push(`no valid order found for ${ordered.blocked.join(', ')}: their moves are left out`);
  }
  const tool = opts.vmwareTool ?? 'govc';
  const steps: PlanStep[] = moves.map((move, i) => {
    const vm = fleet.vms.get(move.vmId)!;
    return {
      step: i + 1,
      vmName: vm.name ?? vm.id,
      ...move,
      ...migrationCommand(move, vm, fleet.hosts.get(move.fromHostId)!, fleet.hosts.get(move.toHostId)!, tool),
    };
  });
  const maintenance = outcome.maintenance.map((hostId) => ({
    hostId,
    afterStep: Math.max(0, ...steps.filter((s) => s.fromHostId === hostId).map((s) => s.step)),
    ...maintenanceCommand(fleet.hosts.get(hostId)!, tool),
  }));
  const planned = applyPlan(
    fleet,
    moves,
    maintenance.map((m) => m.hostId),
  );
  return {
    kind: 'hyperaudit.plan',
    version: 1,
    goal: opts.goal,
    maxMoves: opts.maxMoves,
    generatedAt: opts.now ?? new Date().toISOString(),
    steps,
    maintenance,
    violationsBefore: outcome.before,
    unresolved: outcome.unresolved,
    budgetExhausted: outcome.budgetExhausted,
    verification: verifyPlan(fleet, planned, opts.rules, opts.simulation ?? {}),
    warnings,
  };
}
