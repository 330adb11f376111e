/**
 * What-if changes applied to a copy of the fleet. Evacuations (maintenance, removal, consolidation) move
 * each VM, largest memory first, to the in-service host of the same cluster with the most free memory that
 * still fits it (or, when none fits, the one with the most free memory, noting the overcommit): a simple
 * stand-in for DRS placement.
 */
import type { Fleet, HostView, VmView } from '../model/fleet';
import { clusterOf, SimulationInputError } from './compile';
import type { FleetSummary, SimulationResult } from './result';
import { clusterAvailabilityFigures, type ClusterAvailabilityFigures } from './availability-figures';
import type { WhatIfChange } from './scenario';
import { byId, compareText } from '../model/event-order';

export interface AppliedWhatIf {
  fleet: Fleet;
  notes: string[];
}

function copyFleet(fleet: Fleet): Fleet {
  return {
    hosts: new Map([...fleet.hosts].map(([id, h]) => [id, { ...h }])),
    vms: new Map([...fleet.vms].map(([id, v]) => [id, { ...v }])),
    perimeters: new Map(fleet.perimeters),
  };
}

function capacityKey(h: HostView): number {
  return h.cpu ? h.cpu.sockets * h.cpu.coresPerSocket * h.cpu.mhz : 0;
}

export function applyWhatIf(input: Fleet, changes: readonly WhatIfChange[]): AppliedWhatIf {
  const fleet = copyFleet(input);
  const notes: string[] = [];
  const hostOrFail = (id: string, at: number): HostView => {
    const h = fleet.hosts.get(id);
    if (!h) throw new SimulationInputError(`what-if change ${at + 1}: no host ${JSON.stringify(id)}`);
    return h;
  };
  changes.forEach((change, at) => {
    switch (change.type) {
      case 'migrate': {
        const vm = fleet.vms.get(change.vm);
        if (!vm) throw new SimulationInputError(`what-if change ${at + 1}: no VM ${JSON.stringify(change.vm)}`);
        const to = hostOrFail(change.toHost, at);
        moveVm(vm, to);
        notes.push(`migrated ${vm.id} to ${to.id}`);
        break;
      }
      case 'maintenance': {
        const host = hostOrFail(change.host, at);
        notes.push(...evacuate(fleet, [host.id]));
        host.maintenanceMode = true;
        notes.push(`${host.id} in maintenance`);
        break;
      }
      case 'remove-host': {
        hostOrFail(change.host, at);
        notes.push(...evacuate(fleet, [change.host]));
        fleet.hosts.delete(change.host);
        notes.push(`removed ${change.host}`);
        break;
      }
      case 'add-host': {
        const count = change.count ?? 1;
        for (let k = 0; k < count; k++) {
          let host: HostView;
          if (change.host) host = { ...change.host };
          else {
            const like = hostOrFail(change.like!, at);
            host = { ...like, id: change.id! };
            delete host.maintenanceMode;
          }
          if (count > 1) host.id = `${host.id}-${k + 1}`;
          if (fleet.hosts.has(host.id))
            throw new SimulationInputError(`what-if change ${at + 1}: host ${JSON.stringify(host.id)} already exists`);
          fleet.hosts.set(host.id, host);
          notes.push(`added ${host.id}${host.cluster !== undefined ? ` to ${host.cluster}` : ''}`);
        }
        break;
      }
      case 'consolidate': {
        const members = [...fleet.hosts.values()]
          .filter((h) => clusterOf(h) === change.cluster && h.maintenanceMode !== true)
          .sort((a, b) => capacityKey(b) - capacityKey(a) || (b.memoryMiB ?? 0) - (a.memoryMiB ?? 0) || byId(a, b));
        if (members.length === 0)
          throw new SimulationInputError(
            `what-if change ${at + 1}: no in-service host in cluster ${JSON.stringify(change.cluster)}`,
          );
        const keep = Math.ceil(members.length / change.ratio);
        const freed = members.slice(keep).map((h) => h.id);
        notes.push(...evacuate(fleet, freed));
        for (const id of freed) fleet.hosts.get(id)!.maintenanceMode = true;
        notes.push(
          `consolidated ${change.cluster} ${change.ratio}:1: ${keep} of ${members.length} hosts kept, ${freed.length} powered off (maintenance)`,
        );
        break;
      }
    }
  });
  return { fleet, notes };
}

function moveVm(vm: VmView, to: HostView): void {
  vm.hostId = to.id;
  if (to.cluster !== undefined) vm.cluster = to.cluster;
  else delete vm.cluster;
  if (to.datacenter !== undefined) vm.datacenter = to.datacenter;
}

function evacuate(fleet: Fleet, hostIds: readonly string[]): string[] {
  const leaving = new Set(hostIds);
  const notes: string[] = [];
  const used = new Map<string, number>();
  for (const vm of fleet.vms.values()) {
    if (vm.hostId !== undefined && vm.powerState !== 'poweredOff')
      used.set(vm.hostId, (used.get(vm.hostId) ?? 0) + (vm.memoryMiB ?? 0));
  }
  const movers = [...fleet.vms.values()]
    .filter((vm) => vm.hostId !== undefined && leaving.has(vm.hostId))
    .sort((a, b) => (b.memoryMiB ?? 0) - (a.memoryMiB ?? 0) || byId(a, b));
  for (const vm of movers) {
    const from = fleet.hosts.get(vm.hostId!)!;
    const targets = [...fleet.hosts.values()].filter(
      (h) => !leaving.has(h.id) && h.maintenanceMode !== true && clusterOf(h) === clusterOf(from),
    );
    if (targets.length === 0) {
      notes.push(`${vm.id}: no host left in ${clusterOf(from)} to take it; it stays on ${from.id}`);
      continue;
    }
    const free = (h: HostView) => (h.memoryMiB ?? Number.POSITIVE_INFINITY) - (used.get(h.id) ?? 0);
    const need = vm.memoryMiB ?? 0;
    const byFree = targets.sort((a, b) => free(b) - free(a) || byId(a, b));
    const fitting = byFree.find((h) => free(h) >= need);
    const to = fitting ?? byFree[0]!;
    if (!fitting)
      notes.push(`${vm.id}: no host in ${clusterOf(from)} has ${need} MiB free; placed on ${to.id} overcommitted`);
    if (vm.powerState !== 'poweredOff') {
      used.set(to.id, (used.get(to.id) ?? 0) + need);
      used.set(from.id, (used.get(from.id) ?? 0) - need);
    }
    moveVm(vm, to);
  }
  if (movers.length > 0) notes.push(`evacuated ${movers.length} VM(s) from ${hostIds.join(', ')}`);
  return notes;
}

export interface ScoreDelta {
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface WhatIfReport {
  changes: WhatIfChange[];
  notes: string[];
  fleet: Record<
    keyof Pick<
      FleetSummary,
      | 'energyKWh'
      | 'overloadedTimeFraction'
      | 'cpuReadyPct'
      | 'hostScoreMean'
      | 'hostScoreMax'
      | 'hostsScoring50OrMore'
      | 'activeHosts'
      | 'vmDowntimeHoursPerYearMean'
      | 'antiAffinityViolations'
      | 'clustersWithoutFailover'
    >,
    ScoreDelta
  >;
  /** Hosts whose score or overload changed, or that were added or removed; largest change first. */
  hosts: ({ hostId: string; overloadedTimeFraction: ScoreDelta } & ScoreDelta)[];
  /** VMs whose score changed. */
  vms: ({ vmId: string; hostBefore: string | null; hostAfter: string | null } & ScoreDelta)[];
  /** Every cluster's availability before and after (a cluster only one side has shows null on the other). */
  clusters: ClusterAvailabilityDelta[];
}

export type ClusterAvailabilityDelta = { clusterId: string } & {
  [K in keyof ClusterAvailabilityFigures]: ScoreDelta;
};

const CLUSTER_FIGURES = [
  'pCannotRestart',
  'haToleratedFailures',
  'replicaSetsLost',
  'blastRadiusVmsMax',
  'blastRadiusAppsMax',
  'vmDowntimeHoursMean',
  'vmDowntimeHoursMax',
] as const satisfies readonly (keyof ClusterAvailabilityFigures)[];

/** Per cluster, each availability figure before and after, in cluster order. */
export function compareClusterAvailability(
  before: SimulationResult,
  after: SimulationResult,
): ClusterAvailabilityDelta[] {
  const b = new Map(Object.entries(clusterAvailabilityFigures(before)));
  const a = new Map(Object.entries(clusterAvailabilityFigures(after)));
  return [...new Set([...b.keys(), ...a.keys()])].sort().map((clusterId) => {
    const x = b.get(clusterId);
    const y = a.get(clusterId);
    return {
      clusterId,
      ...(Object.fromEntries(CLUSTER_FIGURES.map((k) => [k, delta(x?.[k], y?.[k])])) as {
        [K in keyof ClusterAvailabilityFigures]: ScoreDelta;
      }),
    };
  });
}

function delta(before: number | null | undefined, after: number | null | undefined): ScoreDelta {
  const b = before ?? null;
  const a = after ?? null;
  return { before: b, after: a, delta: a !== null && b !== null ? Math.round((a - b) * 1e6) / 1e6 : null };
}

export function compareResults(
  changes: WhatIfChange[],
  notes: string[],
  before: SimulationResult,
  after: SimulationResult,
): WhatIfReport {
  const keys = [
    'energyKWh',
    'overloadedTimeFraction',
    'cpuReadyPct',
    'hostScoreMean',
    'hostScoreMax',
    'hostsScoring50OrMore',
    'activeHosts',
    'vmDowntimeHoursPerYearMean',
    'antiAffinityViolations',
    'clustersWithoutFailover',
  ] as const;
  const fleet = Object.fromEntries(
    keys.map((k) => [k, delta(before.fleet[k], after.fleet[k])]),
  ) as WhatIfReport['fleet'];
  const hostIds = [...new Set([...Object.keys(before.hosts), ...Object.keys(after.hosts)])].sort();
  const hosts = hostIds
    .map((hostId) => {
      const b = before.hosts[hostId];
      const a = after.hosts[hostId];
      return {
        hostId,
        ...delta(b?.score, a?.score),
        overloadedTimeFraction: delta(b?.overloadedTimeFraction, a?.overloadedTimeFraction),
      };
    })
    .filter((h) => h.delta !== 0 || h.overloadedTimeFraction.delta !== 0)
    .sort((x, y) => Math.abs(y.delta ?? 100) - Math.abs(x.delta ?? 100) || compareText(x.hostId, y.hostId));
  const vms = Object.keys(after.vms)
    .sort()
    .map((vmId) => ({
      vmId,
      hostBefore: before.vms[vmId]?.hostId ?? null,
      hostAfter: after.vms[vmId]!.hostId,
      ...delta(before.vms[vmId]?.score, after.vms[vmId]!.score),
    }))
    .filter((v) => v.delta !== 0 || v.hostBefore !== v.hostAfter)
    .sort((x, y) => Math.abs(y.delta ?? 100) - Math.abs(x.delta ?? 100) || compareText(x.vmId, y.vmId));
  return { changes, notes, fleet, hosts, vms, clusters: compareClusterAvailability(before, after) };
}
