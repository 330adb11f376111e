import type { AuditResult } from '../engine/audit-result';
import { CompiledRules, type Scope } from '../engine/compile';
import { indexFleet } from '../engine/fleet-index';
import type { LoadedRule, Profile } from '../engine/types';
import { toPlainLive, type EntityState } from '../model/entity-state';
import { materialiseFleet, type Fleet } from '../model/fleet';
import type { Finding, ResourceType } from '../model/finding';
import { clusterOfGpk } from '../store/cluster-index';
import { readState, STATE } from '../store/state-keys';
import type { ClusterRead, FleetStore, IndexedFleetReads, PutEventsResult, RefreshedEntity } from '../store/types';
import { readClusterSimulationFigures } from './simulation-state';
import { applyLifecycle } from './apply-lifecycle';
import { forEachLimit } from '../store/batch';
import {
  clusterUnverifiedGroup,
  mergeItemsAndPages,
  UNCLUSTERED_GROUP,
  unverifiedGroupOf,
} from '../store/unverified-pages';

/** Why an evaluation read the whole table after all (logged by the evaluate function). */
export type FullReadReason =
  | 'perimeter or inventory changed'
  | 'index not built'
  | 'index not queryable'
  | 'host placement changed'
  | 'VM perimeter changed'
  | 'unverified pages not yet per cluster'
  | 'findings outside the clusters read';

export interface IndexedEvaluationOptions {
  rules: readonly LoadedRule[];
  subjects: PutEventsResult['subjects'];
  profile?: Profile;
  now: string;
}

/** Clone chains and migration evidence pulled in as context, a few rounds at most. */
const CONTEXT_ROUNDS = 16;

/**
 * Incremental evaluation that reads only what a change touches (issue 17): the changed entities (re-snapshotted with
 * their place in the cluster index), the clusters they sit in now and sat in before (one index Query each), the
 * perimeters, the hosts their VMs migrated through and their clone ancestors, the members of a perimeter a VM joined
 * or left, and the findings of each evaluated resource (one Query each). It evaluates the changed VMs and the VMs of
 * changed hosts, the hosts the changes sit or sat on, their clusters and the perimeters whose membership moved, and
 * updates those findings only.
 *
 * Returns `{ fullRead }` when the change may reach beyond its cluster (a perimeter, an inventory snapshot, a host
 * that is new, moved or removed, a VM whose perimeter its clones may inherit changed) or the index cannot be used:
 * the caller then audits from the whole table, as before.
 */
export async function evaluateIndexed(
  store: FleetStore & IndexedFleetReads,
  opts: IndexedEvaluationOptions,
): Promise<{ result: AuditResult } | { fullRead: FullReadReason }> {
  if (opts.subjects.some((s) => s.kind === 'perimeter' || s.kind === 'scope'))
    return { fullRead: 'perimeter or inventory changed' };
  if (!(await store.clusterIndexReady())) return { fullRead: 'index not built' };
  // A cluster's read would miss the unverified findings an older table keeps on per-rule pages (until a full audit).
  if (((await store.legacyUnverifiedProfiles?.()) ?? []).includes(opts.profile ?? 'scg'))
    return { fullRead: 'unverified pages not yet per cluster' };
  const changes = await store.refreshEntities(opts.subjects);
  const beyond = reachBeyondCluster(changes);
  if (beyond) return { fullRead: beyond };
  try {
    return await evaluateAround(store, changes, opts);
  } catch (err) {
    // A table whose index is still backfilling, or a server without it (dynalite ignores UpdateTable's index).
    if ((err as Error).name === 'ValidationException' || (err as Error).name === 'ResourceNotFoundException')
      return { fullRead: 'index not queryable' };
    throw err;
  }
}

const plainOf = (state: EntityState | undefined) => (state === undefined ? undefined : toPlainLive(state));

function reachBeyondCluster(changes: readonly RefreshedEntity[]): FullReadReason | undefined {
  for (const c of changes) {
    if (c.kind === 'host') {
      // VMs anywhere in the fleet cite a host's cluster, datacenter and perimeter in their migration evidence.
      const before = plainOf(c.before);
      const after = plainOf(c.after);
      if (
        before === undefined ||
        after === undefined ||
        c.beforePlacement.place !== c.afterPlacement.place ||
        before.cluster !== after.cluster ||
        before.datacenter !== after.datacenter ||
        before.perimeter !== after.perimeter
      )
        return 'host placement changed';
    }
    // Clones inherit a VM's perimeter; a removed VM passes on the one it had, so only a live change counts.
    if (
      c.kind === 'vm' &&
      c.before !== undefined &&
      plainOf(c.after) !== undefined &&
      c.beforePlacement.member !== c.afterPlacement.member
    )
      return 'VM perimeter changed';
  }
  return undefined;
}

async function evaluateAround(
  store: FleetStore & IndexedFleetReads,
  changes: readonly RefreshedEntity[],
  opts: IndexedEvaluationOptions,
): Promise<{ result: AuditResult } | { fullRead: FullReadReason }> {
  const profile = opts.profile ?? 'scg';
  const now = opts.now;
  const reads: ClusterRead[] = [];
  const hostIds = new Set<string>();
  for (const c of changes) {
    for (const [state, placement] of [
      [c.before, c.beforePlacement],
      [c.after, c.afterPlacement],
    ] as const) {
      if (state === undefined || placement.gpk === undefined) continue;
      const hostId = c.kind === 'host' ? c.id : (plainOf(state)?.hostId as string | undefined);
      const cluster = clusterOfGpk(placement.gpk);
      reads.push(cluster !== undefined ? { cluster } : { unclusteredHost: hostId ?? '' });
      if (hostId !== undefined) hostIds.add(hostId);
    }
  }
  const clusters = [...new Set(reads.flatMap((r) => ('cluster' in r ? [r.cluster] : [])))].sort();
  const [clusterStates, perimeterStates, simulation, storedWaivers] = await Promise.all([
    store.readClusters(reads),
    store.readPerimeters(),
    readClusterSimulationFigures(store, clusters),
    readState(store, STATE.auditWaivers),
  ]);
  // The index is eventually consistent: the states just folded win over what it returned for the same entity.
  const states = new Map<string, EntityState>();
  for (const s of [...clusterStates, ...perimeterStates]) states.set(`${s.kind}#${s.id}`, s);
  for (const c of changes) states.set(`${c.kind}#${c.id}`, c.after);

  const changedVms = new Set(changes.filter((c) => c.kind === 'vm').map((c) => c.id));
  const changedHosts = new Set(changes.filter((c) => c.kind === 'host').map((c) => c.id));
  let fleet = materialiseFleet(states.values());
  const vmsToEvaluate = () =>
    [...fleet.vms.values()].filter(
      (vm) => changedVms.has(vm.id) || (vm.hostId !== undefined && changedHosts.has(vm.hostId)),
    );
  // Context the evaluated VMs' facts read from outside their cluster: migration hosts and clone ancestors.
  const requested = new Set<string>();
  for (let round = 0; round < CONTEXT_ROUNDS; round++) {
    const wanted = new Map<string, { kind: 'host' | 'vm'; id: string }>();
    const want = (kind: 'host' | 'vm', id: string) => {
      const key = `${kind}#${id}`;
      if (!states.has(key) && !requested.has(key)) wanted.set(key, { kind, id });
    };
    for (const vm of vmsToEvaluate()) {
      for (const m of vm.movements) for (const id of [m.fromHostId, m.toHostId]) if (id !== undefined) want('host', id);
      // No perimeter resolved: walk the clone chain as far as it is loaded, and ask for the next VM on it.
      let cursor = vm.perimeterSource === undefined ? vm.clonedFrom : undefined;
      for (let hop = 0; cursor !== undefined && hop < CONTEXT_ROUNDS; hop++) {
        const known = states.get(`vm#${cursor}`);
        if (known === undefined) {
          want('vm', cursor);
          break;
        }
        const plain = plainOf(known);
        const next: unknown = plain ? plain.clonedFrom : known.lineage?.clonedFrom?.v;
        cursor = typeof next === 'string' ? next : undefined;
      }
    }
    if (wanted.size === 0) break;
    for (const key of wanted.keys()) requested.add(key);
    for (const s of await store.readEntities([...wanted.values()])) states.set(`${s.kind}#${s.id}`, s);
    fleet = materialiseFleet(states.values());
  }

  // Perimeters a VM joined or left: their member count moved (the only perimeter fact a VM changes).
  const perimeters = new Set<string>();
  for (const c of changes)
    if (c.kind === 'vm' && c.beforePlacement.member !== c.afterPlacement.member)
      for (const p of [c.beforePlacement.member, c.afterPlacement.member]) if (p !== undefined) perimeters.add(p);
  const memberCounts = new Map<string, number>();
  await Promise.all(
    [...perimeters].map(async (p) => {
      const members = await store.perimeterMembers(p);
      for (const c of changes)
        if (c.kind === 'vm') {
          if (c.afterPlacement.member === p) members.add(c.id);
          else members.delete(c.id);
        }
      memberCounts.set(p, members.size);
    }),
  );

  const vmIds = new Set([...vmsToEvaluate().map((v) => v.id), ...changedVms]);
  for (const id of changedHosts) hostIds.add(id);
  const scope: Required<Scope> = { vm: vmIds, host: hostIds, cluster: new Set(clusters), perimeter: perimeters };
  const index = { ...indexFleet(fleet, simulation, now), perimeterMemberCounts: memberCounts };
  const evaluation = new CompiledRules(opts.rules).evaluate(index, scope);

  const resources: [ResourceType, string][] = (['vm', 'host', 'cluster', 'perimeter'] as const).flatMap((type) =>
    [...scope[type]].map((id): [ResourceType, string] => [type, id]),
  );
  // The unverified pages of every group an evaluated resource's findings sit in, now or before (its cluster's).
  const groups = new Set(clusters.map(clusterUnverifiedGroup));
  if (reads.some((r) => 'unclusteredHost' in r)) groups.add(UNCLUSTERED_GROUP);
  for (const [resourceType, resourceId] of resources)
    groups.add(
      unverifiedGroupOf({ resourceType, resourceId, ...placementOfResource(fleet, resourceType, resourceId) }),
    );
  const items: Finding[] = [];
  const [paged] = await Promise.all([
    store.listUnverifiedFindings?.([...groups]) ?? Promise.resolve([]),
    forEachLimit(resources, 8, async ([type, id]) => {
      items.push(...(await listResourceFindings(store, type, id)));
    }),
  ]);
  // A rewritten page set keeps the other resources of its cluster, so the cluster's pages are read whole.
  const applied = await applyLifecycle(store, {
    previous: mergeItemsAndPages(items, paged),
    complete: false,
    evaluation,
    rules: opts.rules,
    profile,
    now,
    waivers: storedWaivers ?? [],
    evaluated: (type, id) => scope[type].has(id),
    fleet,
    mode: 'incremental',
    counted: { hosts: hostIds.size, vms: vmIds.size },
    listed: (type, id) => scope[type].has(id),
    groupsRead: groups,
  });
  return 'outside' in applied ? { fullRead: 'findings outside the clusters read' } : { result: applied.result };
}

/** The cluster a resource's findings name (its host's for a VM), as the audit sets it. */
function placementOfResource(fleet: Fleet, type: ResourceType, id: string): { cluster?: string } {
  const hostId = type === 'host' ? id : type === 'vm' ? fleet.vms.get(id)?.hostId : undefined;
  const cluster = hostId === undefined ? undefined : fleet.hosts.get(hostId)?.cluster;
  return cluster === undefined ? {} : { cluster };
}

async function listResourceFindings(store: FleetStore, type: ResourceType, id: string): Promise<Finding[]> {
  if (store.listResourceFindings) return store.listResourceFindings(type, id);
  return (await store.listFindings()).filter((f) => f.resourceType === type && f.resourceId === id);
}
