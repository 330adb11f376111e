/**
 * The exact answer for small fleets, to measure the greedy planner against: the fewest migrations after
 * which no violation remains, found by iterative deepening over how many VMs move (a VM moves at most once
 * in an optimal plan's final placement; staging hops are the ordering's business), every VM outside its
 * perimeter forced into the set, and each candidate final placement kept only if it can be executed in
 * some valid order. Exponential: only for tests and small what-ifs (guarded by `maxStates`).
 */
import { Placement } from './placement';
import type { PlanProblem } from './problem';
import { orderAssignment } from './sequence';
import { findViolations } from './violations';

export interface ExactResult {
  /** Fewest moves that clear every violation, or null when none within `maxMoves` does. */
  moves: number | null;
  statesExplored: number;
}

export function exactMinimumMoves(problem: PlanProblem, maxMoves: number, maxStates = 2_000_000): ExactResult {
  const start = new Placement(problem);
  const vms = problem.vms.filter((vm) => start.hostOf.has(vm.id)).map((vm) => vm.id);
  const hosts = problem.hosts.map((h) => h.id);
  let explored = 0;
  const forced = new Set(
    findViolations(start)
      .filter((v) => v.kind === 'perimeter')
      .map((v) => v.subject),
  );

  const valid = (assignment: Map<string, string>): boolean => {
    explored++;
    if (explored > maxStates) throw new Error(`exact solver: more than ${maxStates} states; the fleet is too large`);
    const placement = new Placement(problem, assignment);
    if (findViolations(placement).length > 0) return false;
    return orderAssignment(problem, assignment).blocked.length === 0;
  };

  for (let k = 0; k <= Math.min(maxMoves, vms.length); k++) {
    if (forced.size > k) continue;
    const assignment = new Map(start.hostOf);
    // Choose k VMs (indices increasing), then a different host for each.
    const pick = (from: number, left: number): boolean => {
      if (left === 0)
        return [...forced].every((id) => assignment.get(id) !== start.hostOf.get(id)) && valid(assignment);
      for (let i = from; i <= vms.length - left; i++) {
        const vmId = vms[i]!;
        const home = start.hostOf.get(vmId)!;
        for (const hostId of hosts) {
          if (hostId === home) continue;
          assignment.set(vmId, hostId);
          if (pick(i + 1, left - 1)) return true;
        }
        assignment.set(vmId, home);
      }
      return false;
    };
    if (pick(0, k)) return { moves: k, statesExplored: explored };
  }
  return { moves: null, statesExplored: explored };
}
