/**
 * Execution order. `replayMoves` checks a sequence the way an operator runs it, one migration at a time,
 * each against the placement the earlier ones left; `orderAssignment` turns a final placement (e.g. the
 * exact solver's) into such a sequence, hopping one VM through a staging host when moves wait on each other.
 */
import { chooseTarget } from './choose-target';
import { moveRefusal } from './constraints';
import { Placement } from './placement';
import type { PlanMove, PlanProblem } from './problem';
import { compareText } from '../model/event-order';

export interface ReplayFailure {
  step: number;
  move: PlanMove;
  reason: string;
}

/** Null when every move is allowed in the placement the moves before it leave, else the first that is not. */
export function replayMoves(problem: PlanProblem, moves: readonly PlanMove[]): ReplayFailure | null {
  const placement = new Placement(problem);
  for (const [step, move] of moves.entries()) {
    const vm = placement.vmById.get(move.vmId);
    if (!vm) return { step, move, reason: 'unknown VM' };
    if (placement.hostOf.get(vm.id) !== move.fromHostId)
      return { step, move, reason: `the VM is on ${placement.hostOf.get(vm.id)}, not ${move.fromHostId}` };
    const refusal = moveRefusal(placement, vm, move.toHostId);
    if (refusal !== null) return { step, move, reason: refusal };
    placement.move(vm.id, move.toHostId);
  }
  return null;
}

export interface Ordered {
  moves: PlanMove[];
  /** VMs whose move could not be ordered: no order and no staging host keeps every step valid. */
  blocked: string[];
}

export function orderAssignment(
  problem: PlanProblem,
  target: ReadonlyMap<string, string>,
  reasonOf: (vmId: string) => string = () => 'planned',
): Ordered {
  const placement = new Placement(problem);
  const pending = [...target]
    .filter(([vmId, hostId]) => placement.hostOf.get(vmId) !== hostId)
    .sort(([a], [b]) => compareText(a, b));
  const moves: PlanMove[] = [];
  const staged = new Set<string>();
  const step = (vmId: string, toHostId: string, reason: string) => {
    const fromHostId = placement.hostOf.get(vmId)!;
    moves.push({
      vmId,
      fromHostId,
      toHostId,
      reason,
      crossesPerimeterSets:
        placement.hostById.get(fromHostId)!.perimeterSet !== placement.hostById.get(toHostId)!.perimeterSet,
    });
    placement.move(vmId, toHostId);
  };
  while (pending.length > 0) {
    const ready = pending.findIndex(
      ([vmId, hostId]) => moveRefusal(placement, placement.vmById.get(vmId)!, hostId) === null,
    );
    if (ready >= 0) {
      const [vmId, hostId] = pending.splice(ready, 1)[0]!;
      step(vmId, hostId, reasonOf(vmId));
      continue;
    }
    // Every pending move waits on another (a swap, a cycle): park one VM that has not been parked yet.
    const parkable = pending.find(([vmId]) => !staged.has(vmId));
    const choice = parkable && chooseTarget(placement, placement.vmById.get(parkable[0])!, (h) => h !== parkable[1]);
    if (!parkable || choice?.hostId === undefined) break;
    staged.add(parkable[0]);
    step(parkable[0], choice.hostId, 'staging: frees a host another move waits for');
  }
  return { moves, blocked: pending.map(([vmId]) => vmId) };
}
