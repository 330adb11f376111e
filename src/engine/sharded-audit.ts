import { getOrCreate } from '../model/get-or-create';
import { emptyFleet, type Fleet, type HostView, type VmView } from '../model/fleet';
import type { ResourceType } from '../model/finding';
import type { CompiledRules, Evaluation, Scope } from './compile';
import { indexFleet } from './fleet-index';
import type { RuleCoverage, RuleHit } from './types';
import { compareText } from '../model/event-order';

/**
 * A full audit split by cluster, so a fleet of any size is evaluated by many small workers (the workflow's
 * Distributed Map) instead of one. A shard evaluates its cluster's hosts, VMs and the cluster itself; the
 * perimeter rules, the only ones whose facts span clusters, run once on per-shard summaries. Merged, the
 * result equals the whole-fleet evaluation (test/engine/sharded-audit.test.ts).
 */

/** Shard of hosts with no cluster, and of VMs with no known host (the simulation's cluster list uses the same id). */
export const UNCLUSTERED_SHARD = '(no cluster)';

const hostShard = (host: Pick<HostView, 'cluster'>) => host.cluster ?? UNCLUSTERED_SHARD;

export function vmShard(fleet: Fleet, vm: Pick<VmView, 'hostId'>): string {
  const host = vm.hostId !== undefined ? fleet.hosts.get(vm.hostId) : undefined;
  return host ? hostShard(host) : UNCLUSTERED_SHARD;
}

/** Every shard that holds a host or a VM, sorted. */
export function auditShards(fleet: Fleet): string[] {
  const ids = new Set<string>();
  for (const host of fleet.hosts.values()) ids.add(hostShard(host));
  for (const vm of fleet.vms.values()) ids.add(vmShard(fleet, vm));
  return [...ids].sort();
}

/** What one shard evaluates, and the other hosts its VMs' facts look up. */
export interface FleetSlice {
  shard: string;
  /** The shard's hosts and VMs, every perimeter, and (not evaluated) hosts its VMs migrated from or to. */
  fleet: Fleet;
  hostIds: ReadonlySet<string>;
  vmIds: ReadonlySet<string>;
}

/**
 * The slices of the shards `only` names (every shard when absent), in one pass over the fleet. VM facts about
 * migrations read the source and target hosts, which may sit in another cluster: those hosts come along as
 * context but are not evaluated there.
 */
function buildSlices(fleet: Fleet, only?: string): Map<string, FleetSlice> {
  const slices = new Map<string, FleetSlice>();
  const sliceOf = (shard: string): FleetSlice =>
    getOrCreate(slices, shard, () => {
      const part = emptyFleet();
      part.perimeters = fleet.perimeters;
      if (fleet.snapshotEvidence) part.snapshotEvidence = new Map();
      return { shard, fleet: part, hostIds: new Set<string>(), vmIds: new Set<string>() };
    });
  const evidence = (slice: FleetSlice, key: string) => {
    const e = fleet.snapshotEvidence?.get(key);
    if (e) slice.fleet.snapshotEvidence?.set(key, e);
  };
  for (const host of fleet.hosts.values()) {
    const shard = hostShard(host);
    if (only !== undefined && shard !== only) continue;
    const slice = sliceOf(shard);
    slice.fleet.hosts.set(host.id, host);
    (slice.hostIds as Set<string>).add(host.id);
    evidence(slice, `host#${host.id}`);
  }
  for (const vm of fleet.vms.values()) {
    const shard = vmShard(fleet, vm);
    if (only !== undefined && shard !== only) continue;
    const slice = sliceOf(shard);
    slice.fleet.vms.set(vm.id, vm);
    (slice.vmIds as Set<string>).add(vm.id);
    evidence(slice, `vm#${vm.id}`);
  }
  for (const slice of slices.values()) {
    for (const vm of slice.fleet.vms.values()) {
      for (const m of vm.movements) {
        for (const id of [m.fromHostId, m.toHostId]) {
          const host = id === undefined ? undefined : fleet.hosts.get(id);
          if (host && !slice.fleet.hosts.has(host.id)) slice.fleet.hosts.set(host.id, host);
        }
      }
    }
  }
  return slices;
}

/** The part of the fleet one shard needs (empty when the shard holds nothing). */
export function fleetSlice(fleet: Fleet, shard: string): FleetSlice {
  return (
    buildSlices(fleet, shard).get(shard) ?? {
      shard,
      fleet: { ...emptyFleet(), perimeters: fleet.perimeters },
      hostIds: new Set(),
      vmIds: new Set(),
    }
  );
}

/**
 * Every shard's slice in one pass over the fleet, for the workflow's start step: `fleetSlice` per shard reads
 * the whole fleet each time, which at 500 shards of a million VMs is the dominant cost.
 */
export function fleetSlices(fleet: Fleet): FleetSlice[] {
  return [...buildSlices(fleet).values()].sort((a, b) => compareText(a.shard, b.shard));
}

/** One shard's evaluation and the summary the fleet-level rules need from it. */
export interface ShardEvaluation extends Evaluation {
  shard: string;
  hosts: number;
  vms: number;
  /** VMs naming or inheriting each perimeter, in this shard. */
  perimeterMembers: Record<string, number>;
}

export function evaluateShard(
  rules: CompiledRules,
  slice: FleetSlice,
  simulation?: unknown,
  auditedAt?: string,
): ShardEvaluation {
  const index = indexFleet(slice.fleet, simulation, auditedAt);
  const scope: Scope = {
    host: slice.hostIds,
    vm: slice.vmIds,
    cluster: new Set(slice.shard === UNCLUSTERED_SHARD ? [] : [slice.shard]),
    perimeter: new Set(),
  };
  const perimeterMembers: Record<string, number> = {};
  for (const vm of slice.fleet.vms.values())
    if (vm.perimeter !== undefined)
      Object.defineProperty(perimeterMembers, vm.perimeter, {
        value: (Object.hasOwn(perimeterMembers, vm.perimeter) ? perimeterMembers[vm.perimeter]! : 0) + 1,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  return {
    ...rules.evaluate(index, scope),
    shard: slice.shard,
    hosts: slice.hostIds.size,
    vms: slice.vmIds.size,
    perimeterMembers,
  };
}

/** The perimeter rules, on the perimeters with their member counts summed over every shard. */
export function evaluateFleetLevel(
  rules: CompiledRules,
  perimeters: Fleet['perimeters'],
  shards: readonly Pick<ShardEvaluation, 'perimeterMembers'>[],
): Evaluation {
  const counts = new Map<string, number>();
  for (const s of shards)
    for (const [id, n] of Object.entries(s.perimeterMembers)) counts.set(id, (counts.get(id) ?? 0) + n);
  const fleet = emptyFleet();
  fleet.perimeters = perimeters;
  const index = { ...indexFleet(fleet), perimeterMemberCounts: counts };
  return rules.evaluate(index, { host: new Set(), vm: new Set(), cluster: new Set() });
}

const TYPE_ORDER: Record<ResourceType, number> = { host: 0, vm: 1, cluster: 2, perimeter: 3 };

/**
 * One evaluation from the shards' and the fleet-level one, in the order a whole-fleet evaluation gives: by
 * resource type, then resource id (each resource is in exactly one part, so its hits keep their rule order).
 */
export function mergeEvaluations(parts: readonly Evaluation[]): Evaluation {
  const hits: RuleHit[] = parts.flatMap((p) => p.hits);
  hits.sort(
    (a, b) =>
      TYPE_ORDER[a.resourceType] - TYPE_ORDER[b.resourceType] ||
      (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0),
  );
  const order: string[] = [];
  const ids = new Map<string, string[]>();
  const unverified = new Map<string, string[]>();
  for (const part of parts) {
    for (const c of part.coverage) {
      const list = ids.get(c.ruleId);
      if (list) list.push(...c.resourceIds);
      else {
        ids.set(c.ruleId, [...c.resourceIds]);
        order.push(c.ruleId);
      }
      if (c.unverifiedIds !== undefined) getOrCreate(unverified, c.ruleId, () => []).push(...c.unverifiedIds);
    }
  }
  const coverage: RuleCoverage[] = order.map((ruleId) => {
    const entry: RuleCoverage = { ruleId, resourceIds: ids.get(ruleId)!.sort() };
    const unknown = unverified.get(ruleId);
    if (unknown !== undefined) entry.unverifiedIds = unknown.sort();
    return entry;
  });
  return { hits, coverage };
}
