/**
 * The plan use case: the stored fleet and the stored simulation's window → a checked plan (src/plan), stored
 * as `plan/latest` for the report. The CLI's `plan` and the workflow's optional plan step both call it.
 */
import { DEFAULT_RULES_DIR, loadRules } from '../engine/load-rules';
import type { LoadedRule, Profile } from '../engine/types';
import type { VmwareTool } from '../plan/commands';
import { makePlan, type FleetPlan } from '../plan/make-plan';
import type { PlanGoal } from '../plan/problem';
import { parseState, readState, STATE, writeState } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import { tracesForFleet } from './simulate';
import type { Ports } from './ports';
import { isoNow } from '../model/ports/clock';

/** A stored plan stays well inside one DynamoDB item (400 KB): longer lists are cut, with a count of what was cut. */
const STORED_LIST_LIMIT = 200;
export const MAX_PLAN_MOVES = 1000;

export interface PlanRunOptions {
  goal: PlanGoal;
  maxMoves: number;
  rules?: readonly LoadedRule[];
  rulesDir?: string;
  profile?: Profile;
  /** Folder of the PlanetLab traces the fleet's VMs name (workload.trace). */
  tracesDir?: string;
  vmwareTool?: VmwareTool;
  /** Monte Carlo trials of the before/after availability check. */
  trials?: number;
  now?: string;
}

interface StoredWindow {
  window?: { start?: string; steps?: number; stepSeconds?: number };
  seed?: number;
}

export async function planStored(store: FleetStore, opts: PlanRunOptions): Promise<FleetPlan> {
  const [fleet, simulation] = await Promise.all([
    store.loadFleet(),
    readState(store, STATE.simulationLatest) as Promise<StoredWindow | undefined>,
  ]);
  const rules = opts.rules ?? loadRules(opts.rulesDir ?? DEFAULT_RULES_DIR, { profile: opts.profile ?? 'scg' });
  const traces = await tracesForFleet(store, fleet, opts.tracesDir);
  // The same window and seed as the stored simulation, so "overloaded" means what the audit's figures mean.
  const w = simulation?.window;
  const plan = makePlan(fleet, {
    goal: opts.goal,
    maxMoves: Math.min(opts.maxMoves, MAX_PLAN_MOVES),
    rules,
    ...(opts.vmwareTool && { vmwareTool: opts.vmwareTool }),
    simulation: {
      ...(w?.start !== undefined && { start: w.start }),
      ...(w?.steps !== undefined && { steps: w.steps }),
      ...(w?.stepSeconds !== undefined && { stepSeconds: w.stepSeconds }),
      ...(simulation?.seed !== undefined && { seed: simulation.seed }),
      ...(traces && { traces }),
      trials: opts.trials ?? 2000,
    },
    ...(opts.now !== undefined && { now: opts.now }),
  });
  // Parsed first to type it as the declared shape: the plan's lists hold interfaces, which TypeScript does not
  // widen to the shape's open objects.
  await writeState(store, STATE.planLatest, parseState(STATE.planLatest, storedPlan(plan)));
  return plan;
}

export interface StoredPlan extends FleetPlan {
  /** Entries cut from steps, cleared, added, unresolved to fit one item. */
  cut?: Record<string, number>;
}

export function storedPlan(plan: FleetPlan): StoredPlan {
  const cut: Record<string, number> = {};
  const limit = <T>(name: string, list: T[]): T[] => {
    if (list.length > STORED_LIST_LIMIT) cut[name] = list.length - STORED_LIST_LIMIT;
    return list.slice(0, STORED_LIST_LIMIT);
  };
  const v = plan.verification;
  const out: StoredPlan = {
    ...plan,
    steps: limit('steps', plan.steps),
    unresolved: limit('unresolved', plan.unresolved),
    violationsBefore: limit('violationsBefore', plan.violationsBefore),
    verification: {
      ...v,
      cleared: limit('cleared', v.cleared),
      added: limit('added', v.added),
      remainingPlacement: limit('remainingPlacement', v.remainingPlacement),
    },
  };
  if (Object.keys(cut).length > 0) out.cut = cut;
  return out;
}

/** What the workflow's plan step returns: small, so it fits the state machine's payload; the plan is stored. */
export interface PlanStepOutput {
  runId: string;
  goal: PlanGoal;
  steps: number;
  maintenance: number;
  cleared: number;
  added: number;
  unresolved: number;
}

export interface PlanStepDeps extends Ports<'store' | 'clock'> {
  rules: readonly LoadedRule[];
  tracesDir?: string;
  goal?: PlanGoal;
  maxMoves?: number;
  /** Monte Carlo trials of the availability check (default 2,000). */
  trials?: number;
}

/**
 * The scheduled run's optional plan step: plans on the fleet the run audited and stores it as `plan/latest`,
 * so the report written after it shows the planned fixes. Nothing is migrated: the plan is advice.
 */
export async function planStep(
  input: { runId: string; plan?: { goal: PlanGoal; maxMoves: number } },
  deps: PlanStepDeps,
): Promise<PlanStepOutput> {
  const plan = await planStored(deps.store, {
    goal: input.plan?.goal ?? deps.goal ?? 'fix',
    maxMoves: input.plan?.maxMoves ?? deps.maxMoves ?? 100,
    rules: deps.rules,
    ...(deps.tracesDir !== undefined && { tracesDir: deps.tracesDir }),
    ...(deps.trials !== undefined && { trials: deps.trials }),
    now: isoNow(deps.clock),
  });
  return {
    runId: input.runId,
    goal: plan.goal,
    steps: plan.steps.length,
    maintenance: plan.maintenance.length,
    cleared: plan.verification.cleared.length,
    added: plan.verification.added.length,
    unresolved: plan.unresolved.length,
  };
}
