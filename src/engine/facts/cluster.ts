import { capacityAfterLosing } from '../../model/failover-capacity';
import { isRunning } from '../../model/vm';
import type { HostView } from '../../model/fleet';
import type { ClusterContext } from '../fleet-index';
import { fact, round3, type FactDef } from './define';

/** Hosts that contribute capacity: connected (or unknown) and not in maintenance. */
function serving(h: HostView): boolean {
  return h.maintenanceMode !== true && h.connectionState !== 'disconnected' && h.connectionState !== 'notResponding';
}

/**
 * Capacity left after losing the largest serving host versus the demand of running VMs. Memory demand is
 * configured memory; CPU demand is vCPUs × host MHz × peak CPU % (100% when unknown). Null for a dimension
 * when no serving host reports it.
 */
export function nPlusOne(ctx: ClusterContext) {
  const hosts = ctx.hosts.filter(serving);
  const mem = hosts.map((h) => h.memoryMiB).filter((m): m is number => m !== undefined);
  const cpu = hosts
    .map((h) => (h.cpu ? h.cpu.sockets * h.cpu.coresPerSocket * h.cpu.mhz : undefined))
    .filter((c): c is number => c !== undefined);
  const memDemand = memoryDemand(ctx);
  const cpuDemand = cpuDemandOf(ctx);
  const afterLoss = (caps: number[]) => capacityAfterLosing(caps, 1);
  return {
    servingHosts: hosts.length,
    memoryDemandMiB: round3(memDemand),
    memoryCapacityNminus1MiB: mem.length > 0 ? round3(afterLoss(mem)) : null,
    cpuDemandMhz: round3(cpuDemand),
    cpuCapacityNminus1Mhz: cpu.length > 0 ? round3(afterLoss(cpu)) : null,
  };
}

/*
 * The two demands are summed each in its own function, a loop and its return: V8 optimises a function's loop while it
 * runs (on-stack replacement) and enters that code again at the loop on each later call. With the loop in `nPlusOne`,
 * that code also built the result object after it, and once a figure turned out a double where it had compiled small
 * integers it was deoptimised there on every later call (260 times in one audit of 100,000 VMs), never replaced.
 * Each sum adds the same values in the same order as the one loop did.
 */

/** Configured memory of the cluster's running VMs. */
function memoryDemand(ctx: ClusterContext): number {
  let sum = 0;
  for (const h of ctx.hosts) {
    for (const vm of ctx.index.vmsByHost.get(h.id) ?? []) if (isRunning(vm)) sum += vm.memoryMiB ?? 0;
  }
  return sum;
}

/** vCPUs × host MHz × peak CPU % (100 % when unknown) of the cluster's running VMs. */
function cpuDemandOf(ctx: ClusterContext): number {
  let sum = 0;
  for (const h of ctx.hosts) {
    for (const vm of ctx.index.vmsByHost.get(h.id) ?? []) {
      if (!isRunning(vm)) continue;
      const pct = vm.workload?.cpuPeakPct ?? 100;
      sum += (vm.vcpus ?? 0) * (h.cpu?.mhz ?? 0) * (pct / 100);
    }
  }
  return sum;
}

export const clusterFacts: FactDef<'cluster'>[] = [
  fact<'cluster'>({ id: 'hostCount', description: 'Hosts in the cluster.', compute: (ctx) => ctx.hosts.length }),
  fact<'cluster'>({
    id: 'nPlusOne',
    description: '{servingHosts, memoryDemandMiB, memoryCapacityNminus1MiB, cpuDemandMhz, cpuCapacityNminus1Mhz}.',
    compute: (ctx) => nPlusOne(ctx),
  }),
  fact<'cluster'>({
    id: 'nPlusOneMemoryShortfallMiB',
    description:
      'Running VMs’ memory minus cluster memory with the largest host lost; > 0 means no N+1. Null when unknown.',
    compute: (ctx) => {
      const n = nPlusOne(ctx);
      return n.memoryCapacityNminus1MiB === null ? null : round3(n.memoryDemandMiB - n.memoryCapacityNminus1MiB);
    },
  }),
  fact<'cluster'>({
    id: 'nPlusOneCpuShortfallMhz',
    description:
      'Running VMs’ peak CPU demand minus cluster CPU with the largest host lost; > 0 means no N+1. Null when unknown.',
    compute: (ctx) => {
      const n = nPlusOne(ctx);
      return n.cpuCapacityNminus1Mhz === null ? null : round3(n.cpuDemandMhz - n.cpuCapacityNminus1Mhz);
    },
  }),
];
