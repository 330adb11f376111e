/**
 * The hard constraints of a move, checked against the placement at the moment the move runs: perimeter,
 * trust levels, replicas, capacity (CPU with I/O overhead per step, memory, vCPU ratio, NIC with one uplink
 * failed, storage IOPS, coinciding peaks) and the target cluster's N+1. A plan only ever moves a VM to a
 * host for which `moveRefusal` is null, so every intermediate state keeps them.
 */
import type { Perimeter } from '../model/perimeter';
import type { Placement } from './placement';
import type { PlanHost, PlanVm } from './problem';
import { describeRefusal, type Refusal } from './refusal';

/** Whether the VM's perimeter admits the host (true when the VM has no perimeter or names an undefined one). */
export function perimeterAdmits(perimeter: Perimeter | undefined, host: PlanHost): boolean {
  if (!perimeter) return true;
  if (perimeter.allowedHosts && !perimeter.allowedHosts.includes(host.id)) return false;
  if (perimeter.allowedClusters && !perimeter.allowedClusters.includes(host.cluster)) return false;
  if (
    perimeter.allowedDatacenters &&
    (host.datacenter === undefined || !perimeter.allowedDatacenters.includes(host.datacenter))
  )
    return false;
  return true;
}

export function outsidePerimeter(placement: Placement, vm: PlanVm): boolean {
  const hostId = placement.hostOf.get(vm.id);
  if (hostId === undefined || vm.perimeter === undefined) return false;
  const perimeter = placement.problem.perimeters.get(vm.perimeter);
  return perimeter !== undefined && !perimeterAdmits(perimeter, placement.hostById.get(hostId)!);
}

/** The reason a VM may not move to a host now, in words, or null when it may. */
export function moveRefusal(placement: Placement, vm: PlanVm, toHostId: string): string | null {
  const refusal = hostRefusal(placement, vm, toHostId) ?? roomRefusal(placement, vm, toHostId);
  return refusal === null ? null : describeRefusal(refusal);
}

/**
 * What rules the host out for the VM whatever runs on it: not serving, another vendor, outside the VM's
 * perimeter, another datacenter, a perimeter crossing. Moving other VMs away never lifts these.
 */
export function hostRefusal(placement: Placement, vm: PlanVm, toHostId: string): Refusal | null {
  const fromId = placement.hostOf.get(vm.id);
  if (fromId === undefined) return { code: 'no-known-host' };
  if (fromId === toHostId) return { code: 'already-there' };
  const from = placement.hostById.get(fromId)!;
  const to = placement.hostById.get(toHostId)!;
  if (!placement.isServing(toHostId)) return { code: 'not-serving' };
  if (from.vendor !== undefined && to.vendor !== undefined && from.vendor !== to.vendor)
    return { code: 'vendor', from: from.vendor, to: to.vendor };
  const perimeter = vm.perimeter !== undefined ? placement.problem.perimeters.get(vm.perimeter) : undefined;
  if (!perimeterAdmits(perimeter, to)) return { code: 'outside-perimeter', perimeter: vm.perimeter };
  const fixing = outsidePerimeter(placement, vm);
  // Live migration stays inside a datacenter unless the VM's perimeter admits no host of its own.
  if (
    from.datacenter !== to.datacenter &&
    !(fixing && !placement.problem.hosts.some((h) => h.datacenter === from.datacenter && perimeterAdmits(perimeter, h)))
  )
    return { code: 'another-datacenter' };
  // A move between hosts of different perimeter sets is what perimeter.migration-crossed reports; only a VM
  // outside its perimeter may cross, on its way back in.
  if (!fixing && from.perimeterSet !== to.perimeterSet) return { code: 'crosses-perimeter' };
  return null;
}

/**
 * What the VMs already on the host (or in its cluster) stand in the way of: another trust level, a replica,
 * memory, vCPUs, IOPS, uplinks, coinciding peaks, CPU per step, the target cluster's N+1. Moving VMs away can
 * lift these, which is what a chained move does (chain.ts).
 */
export function roomRefusal(placement: Placement, vm: PlanVm, toHostId: string): Refusal | null {
  const from = placement.hostById.get(placement.hostOf.get(vm.id)!)!;
  const to = placement.hostById.get(toHostId)!;
  const limits = placement.problem.limits;
  const load = placement.loads.get(toHostId)!;
  if (vm.trustLevel !== undefined && [...load.trust.keys()].some((level) => level !== vm.trustLevel))
    return { code: 'trust', level: vm.trustLevel, others: [...load.trust.keys()].filter((l) => l !== vm.trustLevel) };
  if (!vm.running) return null;
  if (vm.replicaKey !== undefined && (load.replicas.get(vm.replicaKey) ?? 0) > 0) return { code: 'replica' };
  if (to.memMiB > 0 && load.memMiB + vm.memMiB > to.memMiB * limits.targetMemoryRatio) return { code: 'memory' };
  if (to.cores > 0 && load.vcpus + vm.vcpus > to.cores * limits.targetVcpuPerCore)
    return { code: 'vcpu-ratio', limit: limits.targetVcpuPerCore };
  if (to.iopsCapacity !== null && load.iops + vm.iops > to.iopsCapacity * limits.iopsRatio) return { code: 'iops' };
  if (to.nicN1Mbps !== null && load.netMbps + vm.netMbps > to.nicN1Mbps) return { code: 'uplinks' };
  if (vm.peakHour !== undefined && (load.peakHours.get(vm.peakHour) ?? 0) + 1 >= limits.maxCoincidingPeaks)
    return { code: 'coinciding-peaks', limit: limits.maxCoincidingPeaks };
  if (to.sockets === 1 && load.running + 1 > limits.singleSocketMaxVms) return { code: 'single-socket' };
  if (placement.overloadedSteps(toHostId, { vm }) > 0) return { code: 'cpu' };
  if (to.cluster !== from.cluster) {
    const n1 = placement.nPlusOneShortfall(to.cluster, {
      addMemMiB: vm.memMiB,
      addCpuMHz: vm.vcpus * to.coreMHz * (vm.n1PeakPct / 100),
    });
    if ((n1.memMiB ?? 0) > 0 || (n1.cpuMHz ?? 0) > 0) return { code: 'n-plus-one', cluster: to.cluster };
  }
  return null;
}

/** Placement rules a host breaks: the consolidation findings moves can clear. Empty when none. */
export function capacityBreaches(placement: Placement, hostId: string): string[] {
  const host = placement.hostById.get(hostId)!;
  const load = placement.loads.get(hostId)!;
  const limits = placement.problem.limits;
  if (load.running === 0) return [];
  const out: string[] = [];
  const steps = placement.problem.steps;
  const overloaded = placement.overloadedSteps(hostId);
  if (steps > 0 && overloaded / steps > limits.overloadFraction)
    out.push(`CPU overloaded ${Math.round((100 * overloaded) / steps)}% of the time`);
  if (host.cores > 0 && load.vcpus / host.cores > limits.findingVcpuPerCore)
    out.push(`vCPU:core ${(load.vcpus / host.cores).toFixed(2)}`);
  if (host.memMiB > 0 && load.memMiB / host.memMiB > limits.findingMemoryRatio)
    out.push(`memory ${(load.memMiB / host.memMiB).toFixed(2)}× host`);
  if (host.iopsCapacity !== null && load.iops / host.iopsCapacity > limits.iopsRatio) out.push('IOPS over capacity');
  if (host.nicN1Mbps !== null && load.netMbps > host.nicN1Mbps) out.push('network over N-1 uplinks');
  const coinciding = Math.max(0, ...load.peakHours.values());
  if (coinciding >= limits.maxCoincidingPeaks) out.push(`${coinciding} coinciding peaks`);
  if (host.sockets === 1 && load.running > limits.singleSocketMaxVms) out.push(`${load.running} VMs on one socket`);
  return out;
}
