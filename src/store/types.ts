import type { FleetEvent, SubjectKind } from '../model/event';
import type { EntityState } from '../model/entity-state';
import type { IndexPlacement } from './cluster-index';
import type { Fleet } from '../model/fleet';
import type { Finding } from '../model/finding';

/** What names one finding item: its resource (the partition and key prefix) and its fingerprint. */
export type FindingKey = Pick<Finding, 'fingerprint' | 'resourceType' | 'resourceId'>;
import { byId, compareText } from '../model/event-order';
import type { FindingDigestStore } from './finding-digests';

export interface PutEventsResult {
  /** Events stored for the first time. */
  written: number;
  /** Events already stored under the same key (subject, event time, id): re-delivery; state is unchanged by them. */
  duplicates: number;
  /** Entities the new events touched, for incremental evaluation. */
  subjects: { kind: SubjectKind; id: string }[];
  /** Events the store cannot hold (e.g. larger than DynamoDB's 400 KB item limit); the rest of the batch is stored. */
  rejected?: { id: string; reason: string }[];
}

/** A Slack message waiting to be delivered; removed only once Slack accepted it. */
export interface OutboxMessage {
  id: string;
  createdAt: string;
  /** Incoming-webhook payload (text + blocks). */
  payload: Record<string, unknown>;
  /** Fingerprints the message announces, so a finding is announced once. */
  fingerprints: string[];
}

/** The order `listOutbox` returns and delivery keeps: oldest first, the id breaking ties. */
export function byCreation(a: OutboxMessage, b: OutboxMessage): number {
  return compareText(a.createdAt, b.createdAt) || byId(a, b);
}

/**
 * Everything hyperaudit keeps. One DynamoDB table in production and locally (dynalite); an in-memory
 * implementation for unit tests. The core only sees this interface.
 */
export interface FleetStore {
  putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult>;
  loadFleet(): Promise<Fleet>;
  /** Stored event history in event-time order, for replay. */
  readHistory(): AsyncIterable<FleetEvent>;
  /**
   * `loadFleet()` and `readHistory()` from one read: each event item read and parsed once, folded into the fleet and
   * kept for the history (the same event objects; treat them as read-only). Optional: callers fall back to both reads.
   */
  loadFleetWithHistory?(options?: FleetWithHistoryOptions): Promise<FleetWithHistory>;
  listFindings(): Promise<Finding[]>;
  /**
   * The finding items, not the unverified pages (`listUnverifiedFindings`): with the pages of some groups, what a full
   * audit reads when its group digests say the other groups are unchanged. Optional: callers read `listFindings`.
   */
  listFindingItems?(): Promise<Finding[]>;
  /**
   * Digests of each page group's stored findings (src/store/finding-digests.ts). Optional: without them every audit
   * reads every finding. A store that has them must be written through `storeChangedFindings` or
   * `guardFindingWrites` (src/app/group-digests.ts), which keep them from vouching for what they do not describe.
   */
  readonly findingDigests?: FindingDigestStore;
  /** Upserts by fingerprint. */
  putFindings(findings: readonly Finding[]): Promise<void>;
  /**
   * Replaces the stored unverified findings of one rule under one profile in one page group (a cluster's resources,
   * the unclustered ones or the perimeters: `unverifiedGroupOf`) with `findings` (every one `unverified` and of that
   * group), kept in a compact paged form that `listFindings` returns like any other finding
   * (docs/findings-at-scale.md). Optional: without it the audit stores unverified findings as items.
   */
  replaceUnverified?(profile: string, group: string, ruleId: string, findings: readonly Finding[]): Promise<void>;
  /** Deletes finding items (ones that became unverified and moved to their rule's pages). Goes with `replaceUnverified`. */
  deleteFindings?(findings: readonly Pick<Finding, 'fingerprint' | 'resourceType' | 'resourceId'>[]): Promise<void>;
  /**
   * The unverified findings kept on pages (the store's side of `replaceUnverified`), without the finding items: every
   * group's, or only the named groups' (one Query each). What a reader of single resources' items
   * (`listResourceFindings`) merges in to see every finding.
   */
  listUnverifiedFindings?(groups?: readonly string[]): Promise<Finding[]>;
  /**
   * Profiles whose unverified findings are still on the per-rule pages of a table written before pages were grouped
   * by cluster: read by `listFindings`, invisible to a group read, rewritten by the next audit that read everything.
   */
  legacyUnverifiedProfiles?(): Promise<string[]>;
  /** Deletes one profile's per-rule pages of an older table, once they were rewritten by group. */
  dropLegacyUnverified?(profile: string): Promise<void>;
  /**
   * One resource's finding items (one Query on DynamoDB), not its findings on unverified pages
   * (`listUnverifiedFindings`). Optional: callers fall back to filtering `listFindings`.
   */
  listResourceFindings?(resourceType: string, resourceId: string): Promise<Finding[]>;
  /**
   * Every finding item of one resource type (one Query per findings partition on DynamoDB), those of resources no
   * longer in the fleet included; not the unverified pages. Optional: callers fall back to one resource at a time.
   */
  listTypeFindings?(resourceType: string): Promise<Finding[]>;
  /**
   * The finding items stored under these keys (consistent; 100 keys a BatchGetItem on DynamoDB), those found only; not
   * the unverified pages. Optional: callers fall back to `listResourceFindings` per resource.
   */
  getFindings?(keys: readonly FindingKey[]): Promise<Finding[]>;
  getMeta<T>(key: string): Promise<T | undefined>;
  putMeta(key: string, value: unknown): Promise<void>;
  /**
   * Meta entries whose key starts with `prefix`, sorted by key. With `newest`, only the last `newest` of them (still
   * in key order): a trend over time-stamped keys reads what it shows, not every run ever stored.
   */
  listMeta<T>(prefix: string, options?: ListMetaOptions): Promise<{ key: string; value: T }[]>;
  /** Removes a meta entry (absent: nothing happens). Optional: callers fall back to overwriting it. */
  deleteMeta?(key: string): Promise<void>;
  enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void>;
  /** Pending messages in `byCreation` order. */
  listOutbox(): Promise<OutboxMessage[]>;
  deleteOutbox(id: string): Promise<void>;
  /**
   * Folds every entity's uncovered events into its snapshot, so events can expire (TTL) without losing
   * state. Stores without expiry (MemoryStore) need not have it.
   */
  compact?(): Promise<CompactionResult>;
  // Clock-skew policy (docs/events.md, "Clock skew"): events stored with a time too far ahead, which the fold ignores.
  /** Stored events dated after the store's future cutoff (its clock plus the allowed skew), oldest first. */
  listFutureEvents?(): Promise<FutureEventRef[]>;
  /** Deletes them and drops their stamps from snapshots folded before the policy existed. */
  purgeFutureEvents?(): Promise<PurgeFutureResult>;
}

export interface ListMetaOptions {
  /** Only the entries with the greatest keys, at most this many. */
  newest?: number;
}

export interface FleetWithHistoryOptions {
  /**
   * Leave the fleet out when the history holds every event it is folded from (no snapshot adds to it, no event of it
   * expired): it is then the history's fold, which a replay of the whole history builds anyway.
   */
  fleetOnlyBeyondHistory?: boolean;
  /**
   * The store may leave the upserts' configuration members out of the events and so of the fleet (CONFIG_MEMBERS in
   * src/store/event-split.ts: advanced settings, services, vmx keys): no simulation reads them, and on the configured
   * layout they are most of the bytes read. Only for the simulation.
   */
  leaveOutConfiguration?: boolean;
}

export interface FleetWithHistory {
  /** What `loadFleet()` returns; absent only when `fleetOnlyBeyondHistory` asked and the history holds all of it. */
  fleet?: Fleet;
  /** What `readHistory()` yields, in the same order. */
  history: FleetEvent[];
}

export interface FutureEventRef {
  kind: SubjectKind;
  subject: string;
  eventId: string;
  type: string;
  time: string;
  source?: string;
}

export interface PurgeFutureResult {
  deleted: number;
  /** Snapshots that held stamps of future events and were rewritten without them. */
  snapshotsRepaired: number;
}

export interface CompactionResult {
  entities: number;
  snapshotsWritten: number;
  /**
   * Entities whose snapshot would exceed DynamoDB's 400 KB item limit, so none was written (present only
   * when there are some). Their events still hold their state and are folded on read.
   */
  oversized?: { kind: SubjectKind; id: string; bytes: number }[];
  /** Entities whose snapshot write failed (present only when some did); every other entity was still compacted. */
  failed?: { kind: SubjectKind; id: string; error: string }[];
  /** Findings moved from the single partition of an older table into the partitioned layout (present when some were). */
  findingsMigrated?: number;
  /** Time of the newest event the compaction read (a full compaction only). */
  newestEventAt?: string;
}

/** One changed entity an incremental evaluation re-snapshotted: its state and index placement before and after. */
export interface RefreshedEntity {
  kind: Exclude<SubjectKind, 'scope'>;
  id: string;
  /** The snapshot stored before (absent for an entity never snapshotted). */
  before?: EntityState;
  beforePlacement: IndexPlacement;
  /** Snapshot and events folded now. */
  after: EntityState;
  afterPlacement: IndexPlacement;
}

/** One Query of the cluster index: a cluster's hosts and VMs, or one host without a cluster and its VMs. */
export type ClusterRead = { cluster: string } | { unclusteredHost: string };

/**
 * Reads through the cluster index (docs/store.md, "Cluster index"), so an incremental evaluation reads what a change
 * touches instead of the table. DynamoStore has them; the memory store does not (its callers read the fleet).
 */
export interface IndexedFleetReads {
  /** Whether a compaction has placed every entity in the index (and the index can be queried). */
  clusterIndexReady(): Promise<boolean>;
  /** Folds each changed entity's partition, stores its snapshot with its new placement, returns before and after. */
  refreshEntities(subjects: PutEventsResult['subjects']): Promise<RefreshedEntity[]>;
  /** Snapshots of every live host and VM the reads name (eventually consistent: overlay fresher states). */
  readClusters(reads: readonly ClusterRead[]): Promise<EntityState[]>;
  /** Every live perimeter's snapshot. */
  readPerimeters(): Promise<EntityState[]>;
  /** These entities folded from their partitions (hosts other clusters' VMs migrated through, clone ancestors). */
  readEntities(refs: readonly { kind: 'host' | 'vm'; id: string }[]): Promise<EntityState[]>;
  /** Ids of the VMs whose `MEMBER` item names the perimeter. */
  perimeterMembers(perimeterId: string): Promise<Set<string>>;
}

/** One shard of the daily run as the store keys it: a cluster's hosts and VMs, or (no cluster) every unclustered one. */
export interface ShardRef {
  cluster?: string;
}

/** A shard compacted and read whole: what the run's per-shard step needs, and nothing of other clusters. */
export interface ShardRead {
  /**
   * The shard's hosts and VMs, each folded from a consistent Query of its partition (snapshot and events) with its
   * scope's inventory snapshots applied; also the ones this compaction placed in another shard (`movedOut`).
   */
  states: EntityState[];
  /** Their stored event history (not expired, not too far ahead), in event-time order, for the window's replay. */
  history: FleetEvent[];
  compaction: CompactionResult;
  /** Entities whose placement this compaction moved to another shard (they belong there from now on). */
  movedOut: { kind: 'host' | 'vm'; id: string; to: ShardRef }[];
  /**
   * Entities outside the shard its placements read: its VMs' hosts elsewhere and the clone ancestors whose perimeter
   * a clone inherits (up to the placement's clone-hop bound), so the shard's fleet resolves them as the index does.
   */
  context: EntityState[];
}

/**
 * The daily run's per-shard reads (docs/store.md, "Shard registry"): shards listed from a registry, each compacted
 * and read through the cluster index, so no step reads the table whole. DynamoStore has them; the memory store does
 * not (its callers read the fleet).
 */
export interface ShardedFleetReads extends IndexedFleetReads {
  /** The whole table's compaction: builds the index and the registry on a table that has neither yet. */
  compact(): Promise<CompactionResult>;
  /** Whether the registry lists every shard (a compaction registered all placements since it exists). */
  shardRegistryReady(): Promise<boolean>;
  /** The registered shards, one Query. */
  listShards(): Promise<ShardRef[]>;
  /** Compacts one shard's entities (snapshots with fresh placements) and returns them with their history. */
  compactShard(shard: ShardRef): Promise<ShardRead>;
}

export function hasShardedReads(store: FleetStore): store is FleetStore & ShardedFleetReads {
  return hasIndexedReads(store) && typeof (store as Partial<ShardedFleetReads>).compactShard === 'function';
}

export function hasIndexedReads(store: FleetStore): store is FleetStore & IndexedFleetReads {
  return typeof (store as Partial<IndexedFleetReads>).refreshEntities === 'function';
}

/**
 * Where the local store keeps a folded fleet between commands (src/cli/fleet-cache.ts). `watch` gives a token for the
 * items a Scan request (its table and filter) takes that changes at any write to one of them (undefined: no such token
 * here); `read` gives the fleet written under `token` when `cutoffMs`, the read's future cutoff, is no earlier than the
 * one it was written at (a fleet is written only when its read left nothing out, so every item it holds is still state
 * and none is added).
 */
export interface FleetCache {
  watch(request: Record<string, unknown>): Promise<string | undefined>;
  read(token: string, cutoffMs: number): Fleet | undefined;
  write(token: string, cutoffMs: number, fleet: Fleet): void;
}
