/**
 * Availability figures derived from a finished simulation result, in the shapes the audit's availability rules
 * and the what-if comparison read. Pure: they only regroup what `runAvailability` computed, so the audit, the
 * stored result and `--what-if` cannot disagree with the simulation's own tables.
 */
import type { SimulationResult } from './result';
import { compareText } from '../model/event-order';

/** A replica set (one app and role) whose every running replica is on one host: it goes down with that host. */
export interface LostReplicaSet {
  app: string;
  /** The role label, '' when the VMs carry none (the simulation groups them as one role). */
  role: string;
  vms: string[];
}

/**
 * Per host, the replica sets it takes down alone: the role groups of the apps the simulation lists as lost on its
 * failure (`blastRadius.appsLost`) whose running replicas all sit on it. Hosts losing none are left out.
 */
export function lostReplicaSets(result: SimulationResult): Record<string, LostReplicaSet[]> {
  const groups = new Map<string, { app: string; role: string; hosts: Set<string>; vms: string[] }>();
  for (const [vmId, vm] of Object.entries(result.vms)) {
    if (vm.app === undefined || vm.hostId === null) continue;
    const role = vm.role ?? '';
    const key = JSON.stringify([vm.app, role]);
    let g = groups.get(key);
    if (g === undefined) {
      g = { app: vm.app, role, hosts: new Set(), vms: [] };
      groups.set(key, g);
    }
    g.hosts.add(vm.hostId);
    g.vms.push(vmId);
  }
  const byApp = new Map<string, { role: string; hosts: Set<string>; vms: string[] }[]>();
  for (const g of groups.values()) {
    const list = byApp.get(g.app);
    if (list) list.push(g);
    else byApp.set(g.app, [g]);
  }
  // Entries, not assignment: a host id such as `__proto__` must stay a plain key.
  const out: [string, LostReplicaSet[]][] = [];
  for (const [hostId, host] of Object.entries(result.hosts)) {
    const lost: LostReplicaSet[] = [];
    for (const app of host.availability.blastRadius.appsLost)
      for (const g of byApp.get(app) ?? [])
        if (g.hosts.size === 1 && g.hosts.has(hostId)) lost.push({ app, role: g.role, vms: [...g.vms].sort() });
    if (lost.length > 0)
      out.push([hostId, lost.sort((a, b) => compareText(a.app, b.app) || compareText(a.role, b.role))]);
  }
  return Object.fromEntries(out);
}

/** Expected downtime (hours per year) of every VM running at the end of the window. */
export function vmDowntimeHours(result: SimulationResult): Record<string, number> {
  const out: [string, number][] = [];
  for (const [id, vm] of Object.entries(result.vms))
    if (vm.expectedDowntimeHoursPerYear !== null) out.push([id, vm.expectedDowntimeHoursPerYear]);
  return Object.fromEntries(out);
}

/** One cluster's availability as `--what-if` compares it before and after. */
export interface ClusterAvailabilityFigures {
  pCannotRestart: number;
  haToleratedFailures: number;
  /** Replica sets lost by some single host failure (each counted once). */
  replicaSetsLost: number;
  /** Most VMs and apps one host failure touches. */
  blastRadiusVmsMax: number;
  blastRadiusAppsMax: number;
  /** Expected downtime of the cluster's running VMs, mean and worst, hours per year. */
  vmDowntimeHoursMean: number;
  vmDowntimeHoursMax: number;
}

export function clusterAvailabilityFigures(result: SimulationResult): Record<string, ClusterAvailabilityFigures> {
  const lost = new Map(Object.entries(lostReplicaSets(result)));
  const out = new Map<string, ClusterAvailabilityFigures>();
  const sets = new Map<string, Set<string>>();
  for (const [clusterId, c] of Object.entries(result.clusters)) {
    out.set(clusterId, {
      pCannotRestart: c.pCannotRestart,
      haToleratedFailures: c.haToleratedFailures,
      replicaSetsLost: 0,
      blastRadiusVmsMax: 0,
      blastRadiusAppsMax: 0,
      vmDowntimeHoursMean: 0,
      vmDowntimeHoursMax: 0,
    });
    sets.set(clusterId, new Set());
  }
  for (const [hostId, h] of Object.entries(result.hosts)) {
    const f = out.get(h.cluster);
    if (f === undefined) continue;
    f.blastRadiusVmsMax = Math.max(f.blastRadiusVmsMax, h.availability.blastRadius.vms);
    f.blastRadiusAppsMax = Math.max(f.blastRadiusAppsMax, h.availability.blastRadius.apps);
    for (const s of lost.get(hostId) ?? []) sets.get(h.cluster)!.add(JSON.stringify([s.app, s.role]));
  }
  const counted = new Map<string, number>();
  for (const vm of Object.values(result.vms)) {
    const f = vm.cluster === null ? undefined : out.get(vm.cluster);
    if (f === undefined || vm.cluster === null || vm.expectedDowntimeHoursPerYear === null) continue;
    const n = (counted.get(vm.cluster) ?? 0) + 1;
    counted.set(vm.cluster, n);
    // Running mean: no second pass over the VMs.
    f.vmDowntimeHoursMean += (vm.expectedDowntimeHoursPerYear - f.vmDowntimeHoursMean) / n;
    f.vmDowntimeHoursMax = Math.max(f.vmDowntimeHoursMax, vm.expectedDowntimeHoursPerYear);
  }
  for (const [clusterId, s] of sets) out.get(clusterId)!.replicaSetsLost = s.size;
  return Object.fromEntries(out);
}
