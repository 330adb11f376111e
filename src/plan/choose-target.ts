import { moveRefusal } from './constraints';
import { Placement } from './placement';
import type { PlanVm } from './problem';
import { compareText } from '../model/event-order';

/** How full a host would be with the VM on it: the largest of its CPU-peak, memory and vCPU ratios. */
export function fillAfter(placement: Placement, vm: PlanVm, hostId: string): number {
  const host = placement.hostById.get(hostId)!;
  const load = placement.loads.get(hostId)!;
  const add = vm.running ? Placement.cpuPerUtil(vm, host) : 0;
  let peak = 0;
  for (let t = 0; t < load.cpu.length; t++) peak = Math.max(peak, load.cpu[t]! + (vm.running ? vm.util[t]! * add : 0));
  const ratios = [
    host.capacityMHz > 0 ? peak / host.capacityMHz : 0,
    host.memMiB > 0 ? (load.memMiB + (vm.running ? vm.memMiB : 0)) / host.memMiB : 0,
    host.cores > 0
      ? (load.vcpus + (vm.running ? vm.vcpus : 0)) / (host.cores * placement.problem.limits.targetVcpuPerCore)
      : 0,
  ];
  return Math.max(...ratios);
}

export interface TargetChoice {
  hostId?: string;
  /** Refusal reasons over every host considered, with how many hosts gave each. */
  refusals: Map<string, number>;
}

/**
 * The best host for a VM now: same cluster first (no cross-cluster traffic, no N+1 shift), then the same
 * perimeter set, then the emptiest after the move. `accept` narrows the hosts (e.g. other clusters only).
 */
export function chooseTarget(
  placement: Placement,
  vm: PlanVm,
  accept: (hostId: string) => boolean = () => true,
): TargetChoice {
  const refusals = new Map<string, number>();
  const fromId = placement.hostOf.get(vm.id);
  const from = fromId !== undefined ? placement.hostById.get(fromId) : undefined;
  let best: { hostId: string; key: [number, number, number] } | undefined;
  for (const host of placement.problem.hosts) {
    if (host.id === fromId || !accept(host.id)) continue;
    const refusal = moveRefusal(placement, vm, host.id);
    if (refusal !== null) {
      refusals.set(refusal, (refusals.get(refusal) ?? 0) + 1);
      continue;
    }
    const key: [number, number, number] = [
      host.cluster === from?.cluster ? 0 : 1,
      host.perimeterSet === from?.perimeterSet ? 0 : 1,
      fillAfter(placement, vm, host.id),
    ];
    if (
      !best ||
      key[0] < best.key[0] ||
      (key[0] === best.key[0] && (key[1] < best.key[1] || (key[1] === best.key[1] && key[2] < best.key[2])))
    )
      best = { hostId: host.id, key };
  }
  return best ? { hostId: best.hostId, refusals } : { refusals };
}

/** Why none of the VMs tried could move: every refusal, most frequent first, counted over VM × host pairs. */
export function describeRefusals(vmIds: readonly string[], refusals: ReadonlyMap<string, number>): string {
  const who =
    vmIds.length === 1
      ? vmIds[0]!
      : `${vmIds.length} VMs tried (${vmIds.slice(0, 3).join(', ')}${vmIds.length > 3 ? ', …' : ''})`;
  if (refusals.size === 0) return `${who}: no other host to consider`;
  const parts = [...refusals]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, 5)
    .map(([reason, n]) => `${n} × ${reason}`);
  return `${who}: no host takes them (${parts.join(', ')})`;
}
