/**
 * Chained moves: when a VM has no host with room, move other VMs out of the way first. A host qualifies when
 * only its load stands in the way (hostRefusal is null, roomRefusal is not); the VMs that block it move to the
 * best host they have now, or, depth allowing, through a chain of their own. Every step is checked against
 * the placement the steps before it leave, so the chain runs in the order it is returned.
 */
import { chooseTarget } from './choose-target';
import { hostRefusal, roomRefusal } from './constraints';
import type { Refusal } from './refusal';
import type { Placement } from './placement';
import type { PlanVm } from './problem';
import { byId } from '../model/event-order';

export interface ChainStep {
  vm: PlanVm;
  toHostId: string;
  /** The host this step makes room on (for a VM later in the chain), or undefined for the chain's last step. */
  clears?: string;
}

/** How many moves may precede the VM's own move; 2 covers "move one out of the way, and one out of its way". */
export const DEFAULT_CHAIN_DEPTH = 2;

/** Hosts looked at per VM: the best few by the target order; enough on real clusters, bounded on big fleets. */
const MAX_HOSTS = 8;

/** The VMs on a host that stand in `vm`'s way, those whose departure helps most first. */
function blockers(placement: Placement, vm: PlanVm, hostId: string, refusal: Refusal): PlanVm[] {
  const on = [...placement.loads.get(hostId)!.vmIds].map((id) => placement.vmById.get(id)!).filter((x) => x !== vm);
  if (refusal.code === 'trust')
    return on.filter((x) => x.trustLevel !== undefined && x.trustLevel !== vm.trustLevel).sort(byId);
  if (refusal.code === 'replica') return on.filter((x) => x.running && x.replicaKey === vm.replicaKey).sort(byId);
  // Room: the largest first (one move frees most), by memory, then vCPUs, then id.
  return on.filter((x) => x.running).sort((a, b) => b.memMiB - a.memMiB || b.vcpus - a.vcpus || byId(a, b));
}

/** Hosts worth clearing for the VM, in the order chooseTarget prefers hosts (same cluster, same perimeter set). */
function roomHosts(placement: Placement, vm: PlanVm, accept: (hostId: string) => boolean): string[] {
  const fromId = placement.hostOf.get(vm.id);
  const from = fromId !== undefined ? placement.hostById.get(fromId) : undefined;
  return placement.problem.hosts
    .filter(
      (h) =>
        h.id !== fromId &&
        accept(h.id) &&
        hostRefusal(placement, vm, h.id) === null &&
        roomRefusal(placement, vm, h.id) !== null,
    )
    .map((h) => ({
      id: h.id,
      key: [
        h.cluster === from?.cluster ? 0 : 1,
        h.perimeterSet === from?.perimeterSet ? 0 : 1,
        placement.loads.get(h.id)!.vmIds.size,
      ],
    }))
    .sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.key[2]! - b.key[2]! || byId(a, b))
    .slice(0, MAX_HOSTS)
    .map((h) => h.id);
}

/**
 * Moves that clear room on `hostId` for `vm`, applied to `trial` (which the caller throws away on failure), at
 * most `budget` of them; `fixed` are VMs the chain already moved or is placing (never moved again by it).
 */
function clearRoom(
  trial: Placement,
  vm: PlanVm,
  hostId: string,
  budget: number,
  fixed: Set<string>,
  avoid: ReadonlySet<string>,
): ChainStep[] | undefined {
  // A blocker never goes where this chain, or one it is part of, is making room.
  const away = new Set([...avoid, hostId]);
  const elsewhere = (id: string) => !away.has(id);
  const steps: ChainStep[] = [];
  for (;;) {
    const refusal = roomRefusal(trial, vm, hostId);
    if (refusal === null) return steps;
    if (steps.length >= budget) return undefined;
    let moved = false;
    for (const b of blockers(trial, vm, hostId, refusal)) {
      if (fixed.has(b.id)) continue;
      const direct = chooseTarget(trial, b, elsewhere).hostId;
      if (direct !== undefined) {
        steps.push({ vm: b, toHostId: direct, clears: hostId });
        trial.move(b.id, direct);
        fixed.add(b.id);
        moved = true;
        break;
      }
      const left = budget - steps.length - 1;
      if (left <= 0) continue;
      const sub = chainFor(trial, b, elsewhere, left, fixed, away);
      if (sub === undefined) continue;
      for (const s of sub) {
        steps.push(s.clears === undefined ? { ...s, clears: hostId } : s);
        trial.move(s.vm.id, s.toHostId);
        fixed.add(s.vm.id);
      }
      moved = true;
      break;
    }
    if (!moved) return undefined;
  }
}

/**
 * A chain that places `vm` on a host `accept` allows by first moving at most `depth` other VMs out of the way,
 * the VM's own move last; undefined when no such chain exists. `placement` is left as it was. `fixed` VMs are
 * never moved by the chain, and nothing is moved onto an `avoid` host (both for chains nested in chains).
 */
export function chainFor(
  placement: Placement,
  vm: PlanVm,
  accept: (hostId: string) => boolean = () => true,
  depth = DEFAULT_CHAIN_DEPTH,
  fixed: ReadonlySet<string> = new Set(),
  avoid: ReadonlySet<string> = new Set(),
): ChainStep[] | undefined {
  const hosts = depth > 0 ? roomHosts(placement, vm, (id) => accept(id) && !avoid.has(id)) : [];
  // Shortest chains first: every host with one move out of the way before any with two.
  for (let budget = 1; budget <= depth; budget++) {
    for (const hostId of hosts) {
      const trial = placement.clone();
      const steps = clearRoom(trial, vm, hostId, budget, new Set([...fixed, vm.id]), avoid);
      if (steps === undefined) continue;
      // A blocker may have landed on the VM's own host: check the VM's move once more where it now runs.
      if (hostRefusal(trial, vm, hostId) !== null || roomRefusal(trial, vm, hostId) !== null) continue;
      return [...steps, { vm, toHostId: hostId }];
    }
  }
  return undefined;
}
