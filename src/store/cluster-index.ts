import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EntityState } from '../model/entity-state';
import type { Item } from './batch';
import { eventIdKeyPart } from './items';

/**
 * The table's one global secondary index, `cluster-state-index` (docs/store.md, "Cluster index"): entity snapshots
 * (`STATE` items) carry `gpk`/`gsk`, so one Query returns a cluster's hosts and VMs, one its unclustered host with
 * its VMs, one every perimeter; a VM's `MEMBER` item carries its perimeter, so one Query lists a perimeter's
 * members. One index, because CloudFormation adds one GSI per stack update: a live table upgrades in place.
 * Sparse: items without `gpk` (events, removed entities, findings, meta) are not in it.
 *
 * Projection INCLUDE `z`, the snapshot's state deflated (about 4.6× smaller than `s`): a cluster's Query reads
 * keys and `z` only, about a fifth of the bytes of projection ALL (bench/incremental: 142 read units a changed VM
 * against 647), and the index stores and is written that much
 * less. KEYS_ONLY with a BatchGetItem of every snapshot would read more (each item rounded up to 4 KB).
 * It replaced `cluster-index` (projection ALL): a projection cannot change in place, so the name changed.
 */
export const CLUSTER_INDEX = {
  name: 'cluster-state-index',
  partitionKey: 'gpk',
  sortKey: 'gsk',
  projected: ['z'],
} as const;
/** The index before its projection was narrowed; docs/store.md says how a table drops it. */
export const PREVIOUS_CLUSTER_INDEX = 'cluster-index';
/** `ix` of a snapshot placed with its `z` copy; `1` marks one placed for the previous index, without it. */
const PLACED = '2';

/** A snapshot's index attributes with `z`, the copy of its state the index projects, when it is in the index. */
export function withIndexedCopy(attributes: Item, state: EntityState): Item {
  return attributes.gpk === undefined ? attributes : { ...attributes, z: { B: deflateRawSync(JSON.stringify(state)) } };
}

/** The state an index item holds, or undefined when it has no `z` (a snapshot written for the previous index). */
export function stateFromIndex(item: Item): EntityState | undefined {
  const z = item.z?.B;
  return z === undefined ? undefined : (JSON.parse(inflateRawSync(z).toString('utf8')) as EntityState);
}

/** Hosts with no cluster and their VMs, and VMs whose host is unknown; read per host (`begins_with` on `gsk`). */
export const NO_CLUSTER_GPK = 'NOCLUSTER';
export const PERIMETERS_GPK = 'PERIMETERS';
const MEMBER_SK = 'MEMBER';
const CLUSTER_PREFIX = 'CLUSTER#';
/**
 * The shard registry: one item per cluster-index partition that holds hosts and VMs (`sk` = its `gpk`), written
 * when a snapshot is first placed there, so the daily run lists its shards with one Query instead of reading the
 * fleet. An entry may outlive its last entity (the shard then audits nothing, resolving what it had).
 */
export const SHARDS_PK = 'SHARDS';
const MEMBERS_PREFIX = 'MEMBERS#';

export function clusterGpk(cluster: string | undefined): string {
  return cluster === undefined ? NO_CLUSTER_GPK : `${CLUSTER_PREFIX}${cluster}`;
}

export function clusterOfGpk(gpk: string): string | undefined {
  return gpk.startsWith(CLUSTER_PREFIX) ? gpk.slice(CLUSTER_PREFIX.length) : undefined;
}

/** Whether a `gpk` names a shard of hosts and VMs (a cluster, or the unclustered ones), not perimeters or members. */
export function isShardGpk(gpk: string): boolean {
  return gpk === NO_CLUSTER_GPK || gpk.startsWith(CLUSTER_PREFIX);
}

export function membersGpk(perimeter: string): string {
  return `${MEMBERS_PREFIX}${perimeter}`;
}

/** Sort-key prefix of one host and its VMs within its cluster's partition (long ids hashed, like event ids). */
export function hostGskPrefix(hostId: string | undefined): string {
  return `HOST#${eventIdKeyPart(hostId ?? '')}#`;
}

/** Where an entity's snapshot sits in the index, and the perimeter its `MEMBER` item names. */
export interface IndexPlacement {
  gpk?: string;
  gsk?: string;
  /** The VM's perimeter (its own or inherited from the VM it was cloned from). */
  member?: string;
  /**
   * A host's cluster, datacenter and perimeter as the index last saw them: VMs anywhere cite them in migration
   * evidence, so a change to them reaches beyond the cluster (kept here because a periodic snapshot may already hold it).
   */
  place?: string;
}

/**
 * The placement of a live entity's snapshot: hosts under their cluster, VMs under their host's cluster (a VM is
 * audited with its host), perimeters together. A removed entity has none, so it drops out of the index.
 */
export function placementOf(
  state: Pick<EntityState, 'kind' | 'id'>,
  live: { hostId?: string; cluster?: string; datacenter?: string; perimeter?: string } | undefined,
  hostCluster: { live: boolean; cluster?: string } | undefined,
): IndexPlacement {
  if (live === undefined) return {};
  switch (state.kind) {
    case 'host':
      return {
        gpk: clusterGpk(live.cluster),
        gsk: hostGskPrefix(state.id),
        place: JSON.stringify([live.cluster ?? null, live.datacenter ?? null, live.perimeter ?? null]),
      };
    case 'vm': {
      const cluster = hostCluster?.live ? hostCluster.cluster : undefined;
      return {
        gpk: clusterGpk(cluster),
        gsk: `${hostGskPrefix(live.hostId)}VM#${eventIdKeyPart(state.id)}`,
        ...(live.perimeter !== undefined && { member: live.perimeter }),
      };
    }
    case 'perimeter':
      return { gpk: PERIMETERS_GPK, gsk: `PERIMETER#${eventIdKeyPart(state.id)}` };
    default:
      return {};
  }
}

/**
 * `ix` marks a snapshot placed for the current index, so compaction can tell "not placed" from "never placed" (or
 * placed without the `z` copy the index projects).
 */
export function placementAttributes(p: IndexPlacement): Item {
  return {
    ix: { N: PLACED },
    ...(p.gpk !== undefined && { gpk: { S: p.gpk } }),
    ...(p.gsk !== undefined && { gsk: { S: p.gsk } }),
    ...(p.member !== undefined && { mp: { S: p.member } }),
    ...(p.place !== undefined && { hp: { S: p.place } }),
  };
}

/** The index attributes of a stored snapshot, to carry over when a writer does not recompute them. */
export function keptPlacementAttributes(item: Item): Item {
  const out: Item = {};
  for (const name of ['ix', 'gpk', 'gsk', 'mp', 'hp']) if (item[name] !== undefined) out[name] = item[name]!;
  return out;
}

/** The placement a stored snapshot carries; `indexed` is false for snapshots written before the index existed. */
export function readPlacement(item: Item): IndexPlacement & { indexed: boolean } {
  return {
    indexed: item.ix?.N === PLACED,
    ...(item.gpk?.S !== undefined && { gpk: item.gpk.S }),
    ...(item.gsk?.S !== undefined && { gsk: item.gsk.S }),
    ...(item.mp?.S !== undefined && { member: item.mp.S }),
    ...(item.hp?.S !== undefined && { place: item.hp.S }),
  };
}

export function samePlacement(a: IndexPlacement, b: IndexPlacement): boolean {
  return a.gpk === b.gpk && a.gsk === b.gsk && a.member === b.member && a.place === b.place;
}

/** A VM's perimeter membership item: in the index under `MEMBERS#<perimeter>`, or out of it when it has none. */
export function memberItem(pk: string, perimeter: string | undefined): Item {
  return {
    pk: { S: pk },
    sk: { S: MEMBER_SK },
    ...(perimeter !== undefined && { gpk: { S: membersGpk(perimeter) }, gsk: { S: pk } }),
  };
}
