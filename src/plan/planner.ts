/**
 * The greedy planner. Violations are taken security first; for each, the VMs that could clear it are tried
 * in the order most likely to clear it in one move, each to the best host that keeps every constraint now
 * (choose-target.ts). Because every move is checked against the placement it runs in, the sequence as
 * planned is executable in that order. `balance` and `energy` then spend the remaining move budget.
 */
import { chainFor, DEFAULT_CHAIN_DEPTH } from './chain';
import { chooseTarget, describeRefusals } from './choose-target';
import { moveRefusal } from './constraints';
import { Placement } from './placement';
import type { PlanGoal, PlanMove, PlanProblem, PlanVm, Unresolved, Violation } from './problem';
import { findViolations, violationKey } from './violations';
import { byId } from '../model/event-order';

export interface PlanOptions {
  goal: PlanGoal;
  maxMoves: number;
  /** Moves a chain may make before the VM it makes room for moves (default 2; 0: direct moves only). */
  chainDepth?: number;
}

export interface PlanOutcome {
  goal: PlanGoal;
  moves: PlanMove[];
  /** Hosts emptied by the energy goal, to put in maintenance after their last move. */
  maintenance: string[];
  before: Violation[];
  after: Violation[];
  unresolved: Unresolved[];
  /** The move budget ran out before the goal was reached. */
  budgetExhausted: boolean;
  final: Placement;
}

/** Load of a VM relative to its host, to move the VMs that relieve a host most first. */
function weight(placement: Placement, vm: PlanVm): number {
  const host = placement.hostById.get(placement.hostOf.get(vm.id)!)!;
  let peak = 0;
  for (let t = 0; t < vm.util.length; t++) peak = Math.max(peak, vm.util[t]!);
  return (
    (host.capacityMHz > 0 ? (peak * Placement.cpuPerUtil(vm, host)) / host.capacityMHz : 0) +
    (host.memMiB > 0 ? vm.memMiB / host.memMiB : 0) +
    (host.iopsCapacity ? vm.iops / host.iopsCapacity : 0) +
    (host.nicN1Mbps ? vm.netMbps / host.nicN1Mbps : 0) +
    (vm.peakHour !== undefined ? 0.01 : 0)
  );
}

/** VMs whose move could clear the violation, best first, and which hosts they may go to. */
function candidates(placement: Placement, v: Violation): { vms: PlanVm[]; accept?: (hostId: string) => boolean } {
  const vmsOn = (hostId: string) => [...placement.loads.get(hostId)!.vmIds].map((id) => placement.vmById.get(id)!);
  switch (v.kind) {
    case 'perimeter':
      return { vms: [placement.vmById.get(v.subject)!] };
    case 'trust': {
      // Keeping the level most VMs on the host have (the higher one on ties) takes fewest moves; when none of
      // the others can go anywhere, keeping another level may still clear it.
      const load = placement.loads.get(v.subject)!;
      const keepOrder = [...load.trust].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([level]) => level);
      const vms = vmsOn(v.subject)
        .filter((vm) => vm.trustLevel !== undefined)
        .sort(byId);
      return { vms: [...new Set(keepOrder.flatMap((keep) => vms.filter((vm) => vm.trustLevel !== keep)))] };
    }
    case 'replicas': {
      const load = placement.loads.get(v.subject)!;
      const seen = new Set<string>();
      const extra: PlanVm[] = [];
      const first: PlanVm[] = [];
      for (const vm of vmsOn(v.subject)
        .filter((x) => x.running)
        .sort(byId)) {
        if (vm.replicaKey === undefined || (load.replicas.get(vm.replicaKey) ?? 0) < 2) continue;
        if (seen.has(vm.replicaKey)) extra.push(vm);
        else {
          seen.add(vm.replicaKey);
          first.push(vm);
        }
      }
      return { vms: [...extra, ...first] };
    }
    case 'capacity':
      return {
        vms: vmsOn(v.subject)
          .filter((vm) => vm.running)
          .sort((a, b) => weight(placement, b) - weight(placement, a) || byId(a, b)),
      };
    case 'n-plus-one': {
      const cluster = v.subject;
      const vms = placement.problem.vms
        .filter((vm) => vm.running && placement.hostById.get(placement.hostOf.get(vm.id) ?? '')?.cluster === cluster)
        .sort((a, b) => b.memMiB - a.memMiB || byId(a, b));
      return { vms, accept: (hostId) => placement.hostById.get(hostId)!.cluster !== cluster };
    }
  }
}

function moveOf(placement: Placement, vm: PlanVm, toHostId: string, reason: string): PlanMove {
  const fromHostId = placement.hostOf.get(vm.id)!;
  return {
    vmId: vm.id,
    fromHostId,
    toHostId,
    reason,
    crossesPerimeterSets:
      placement.hostById.get(fromHostId)!.perimeterSet !== placement.hostById.get(toHostId)!.perimeterSet,
  };
}

const short = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}…` : text);

/** Candidate VMs are tried up to this many per violation: enough for a host's worth, bounded for big fleets. */
const MAX_TRIED = 64;

function fixViolations(
  placement: Placement,
  moves: PlanMove[],
  maxMoves: number,
  chainDepth: number,
): Map<string, Unresolved> {
  const stuck = new Map<string, Unresolved>();
  const moved = new Set(moves.map((m) => m.vmId));
  while (moves.length < maxMoves) {
    const open = findViolations(placement).filter((v) => !stuck.has(violationKey(v)));
    const v = open[0];
    if (!v) break;
    const { vms, accept } = candidates(placement, v);
    // A VM already moved is tried last: moving it again costs a move without a new VM settled.
    const ordered = [...vms.filter((vm) => !moved.has(vm.id)), ...vms.filter((vm) => moved.has(vm.id))].slice(
      0,
      MAX_TRIED,
    );
    const refusals = new Map<string, number>();
    let done = false;
    for (const vm of ordered) {
      const choice = chooseTarget(placement, vm, accept);
      if (choice.hostId === undefined) {
        for (const [reason, n] of choice.refusals) refusals.set(reason, (refusals.get(reason) ?? 0) + n);
        continue;
      }
      moves.push(moveOf(placement, vm, choice.hostId, `${v.kind} on ${v.subject}: ${short(v.detail)}`));
      placement.move(vm.id, choice.hostId);
      moved.add(vm.id);
      done = true;
      break;
    }
    if (!done && chainDepth > 0) done = chainMoves(placement, v, ordered, accept, moves, maxMoves, moved, chainDepth);
    if (!done)
      stuck.set(violationKey(v), {
        ...v,
        reason:
          ordered.length === 0
            ? 'no VM on it can move'
            : describeRefusals(
                ordered.map((vm) => vm.id),
                refusals,
              ),
      });
  }
  return stuck;
}

/** Candidates tried through a chain when none moves directly: each chain search clones the placement. */
const MAX_CHAINED = 8;

/**
 * When no candidate VM can move directly, move others out of the way first (chain.ts). A chain is taken only
 * if it fits the budget and the placement after it has no violation the placement before it did not have.
 */
function chainMoves(
  placement: Placement,
  v: Violation,
  ordered: readonly PlanVm[],
  accept: ((hostId: string) => boolean) | undefined,
  moves: PlanMove[],
  maxMoves: number,
  moved: Set<string>,
  chainDepth: number,
): boolean {
  const before = new Set(findViolations(placement).map(violationKey));
  for (const vm of ordered.slice(0, MAX_CHAINED)) {
    const depth = Math.min(chainDepth, maxMoves - moves.length - 1);
    const chain = chainFor(placement, vm, accept, depth);
    if (chain === undefined) continue;
    const trial = placement.clone();
    for (const step of chain) trial.move(step.vm.id, step.toHostId);
    if (findViolations(trial).some((x) => !before.has(violationKey(x)))) continue;
    const why = `${v.kind} on ${v.subject}: ${short(v.detail)}`;
    for (const step of chain) {
      const reason = step.clears === undefined ? why : `chain: makes room on ${step.clears} for ${vm.id} (${why})`;
      moves.push(moveOf(placement, step.vm, step.toHostId, reason));
      placement.move(step.vm.id, step.toHostId);
      moved.add(step.vm.id);
    }
    return true;
  }
  return false;
}

function peakRatio(placement: Placement, hostId: string): number {
  const host = placement.hostById.get(hostId)!;
  if (host.capacityMHz <= 0) return 0;
  let peak = 0;
  for (const c of placement.loads.get(hostId)!.cpu) peak = Math.max(peak, c);
  return peak / host.capacityMHz;
}

/** Moves VMs from each cluster's busiest host to where the pair's peak CPU ratio drops most, while it drops. */
function balance(placement: Placement, moves: PlanMove[], maxMoves: number): void {
  const clusters = [...new Set(placement.problem.hosts.map((h) => h.cluster))].sort();
  for (const cluster of clusters) {
    const hosts = placement.problem.hosts.filter((h) => h.cluster === cluster && placement.isServing(h.id));
    while (moves.length < maxMoves && hosts.length > 1) {
      const ranked = hosts
        .map((h) => ({ id: h.id, r: peakRatio(placement, h.id) }))
        .sort((a, b) => b.r - a.r || byId(a, b));
      const busiest = ranked[0]!;
      let best: { vm: PlanVm; to: string; after: number } | undefined;
      for (const id of placement.loads.get(busiest.id)!.vmIds) {
        const vm = placement.vmById.get(id)!;
        if (!vm.running) continue;
        for (const target of ranked.slice(1)) {
          if (moveRefusal(placement, vm, target.id) !== null) continue;
          const host = placement.hostById.get(busiest.id)!;
          const perUtil = Placement.cpuPerUtil(vm, host);
          let srcPeak = 0;
          const cpu = placement.loads.get(busiest.id)!.cpu;
          for (let t = 0; t < cpu.length; t++) srcPeak = Math.max(srcPeak, cpu[t]! - vm.util[t]! * perUtil);
          const after = Math.max(srcPeak / host.capacityMHz, fillAfterCpu(placement, vm, target.id));
          if (!best || after < best.after) best = { vm, to: target.id, after };
        }
      }
      // Stop when the best move gains less than 2 points of peak CPU: not worth a migration.
      if (!best || best.after > busiest.r - 0.02) break;
      moves.push(
        moveOf(
          placement,
          best.vm,
          best.to,
          `balance ${cluster}: ${busiest.id} peaks at ${Math.round(100 * busiest.r)}% CPU`,
        ),
      );
      placement.move(best.vm.id, best.to);
    }
  }
}

function fillAfterCpu(placement: Placement, vm: PlanVm, hostId: string): number {
  const host = placement.hostById.get(hostId)!;
  if (host.capacityMHz <= 0) return 0;
  const perUtil = Placement.cpuPerUtil(vm, host);
  const cpu = placement.loads.get(hostId)!.cpu;
  let peak = 0;
  for (let t = 0; t < cpu.length; t++) peak = Math.max(peak, cpu[t]! + vm.util[t]! * perUtil);
  return peak / host.capacityMHz;
}

/**
 * Empties the least loaded hosts of each cluster into the others (power-aware, as CloudSim's consolidation
 * does, but inside every constraint) and puts them in maintenance, as long as the cluster keeps N+1 and two
 * serving hosts, and the move budget lasts.
 */
function saveEnergy(placement: Placement, moves: PlanMove[], maintenance: string[], maxMoves: number): Placement {
  let current = placement;
  const clusters = [...new Set(current.problem.hosts.map((h) => h.cluster))].sort();
  for (const cluster of clusters) {
    for (;;) {
      const serving = current.problem.hosts.filter((h) => h.cluster === cluster && current.isServing(h.id));
      if (serving.length <= 2) break;
      const ranked = serving
        .map((h) => ({
          id: h.id,
          fill:
            current.loads.get(h.id)!.vmIds.size === 0
              ? -1
              : Math.max(peakRatio(current, h.id), current.loads.get(h.id)!.memMiB / Math.max(1, h.memMiB)),
        }))
        .sort((a, b) => a.fill - b.fill || byId(a, b));
      let committed = false;
      for (const candidate of ranked) {
        const trial = current.clone();
        trial.retired.add(candidate.id);
        const n1 = trial.nPlusOneShortfall(cluster);
        if ((n1.memMiB ?? 0) > 0 || (n1.cpuMHz ?? 0) > 0) continue;
        const evacuation: PlanMove[] = [];
        const vms = [...trial.loads.get(candidate.id)!.vmIds]
          .map((id) => trial.vmById.get(id)!)
          .sort((a, b) => b.memMiB - a.memMiB || byId(a, b));
        let ok = moves.length + vms.length <= maxMoves;
        for (const vm of ok ? vms : []) {
          const choice = chooseTarget(trial, vm, (id) => trial.hostById.get(id)!.cluster === cluster);
          if (choice.hostId === undefined) {
            ok = false;
            break;
          }
          evacuation.push(moveOf(trial, vm, choice.hostId, `energy: empty ${candidate.id} for maintenance`));
          trial.move(vm.id, choice.hostId);
        }
        if (!ok || findViolations(trial).length > findViolations(current).length) continue;
        moves.push(...evacuation);
        maintenance.push(candidate.id);
        current = trial;
        committed = true;
        break;
      }
      if (!committed) break;
    }
  }
  return current;
}

export function planPlacement(problem: PlanProblem, opts: PlanOptions): PlanOutcome {
  let placement = new Placement(problem);
  const before = findViolations(placement);
  const moves: PlanMove[] = [];
  const maintenance: string[] = [];
  const stuck = fixViolations(placement, moves, opts.maxMoves, opts.chainDepth ?? DEFAULT_CHAIN_DEPTH);
  if (opts.goal === 'balance') balance(placement, moves, opts.maxMoves);
  if (opts.goal === 'energy') placement = saveEnergy(placement, moves, maintenance, opts.maxMoves);
  const after = findViolations(placement);
  const unresolved: Unresolved[] = after.map((v) => ({
    ...v,
    reason:
      stuck.get(violationKey(v))?.reason ??
      (opts.goal === 'energy' && maintenance.length > 0
        ? 'left by the energy goal'
        : `not attempted: the move budget (--max-moves ${opts.maxMoves}) ran out`),
  }));
  return {
    goal: opts.goal,
    moves,
    maintenance,
    before,
    after,
    unresolved,
    budgetExhausted: moves.length >= opts.maxMoves,
    final: placement,
  };
}
