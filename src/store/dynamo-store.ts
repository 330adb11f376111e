import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DynamoFindingDigests } from './finding-digests';
import { getOrCreate } from '../model/get-or-create';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBClient,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { compareEvents, eventSubject, sortEvents, type FleetEvent } from '../model/event';
import {
  applyEvent,
  applyInventories,
  emptyState,
  mergeStates,
  toPlainLive,
  wholeInventories,
  type EntityState,
  type WholeInventory,
} from '../model/entity-state';
import { materialiseFleet, materialiseSingle, type Fleet, type MaterialisedSingle } from '../model/fleet';
import { SharedValues, singleUpsertOf, type SingleUpsert } from '../model/single-upsert';
import {
  CLUSTER_INDEX,
  clusterGpk,
  clusterOfGpk,
  hostGskPrefix,
  isShardGpk,
  keptPlacementAttributes,
  memberItem,
  membersGpk,
  NO_CLUSTER_GPK,
  PERIMETERS_GPK,
  placementAttributes,
  placementOf,
  readPlacement,
  samePlacement,
  stateFromIndex,
  withIndexedCopy,
  SHARDS_PK,
  type IndexPlacement,
} from './cluster-index';
import { readState, STATE, writeState } from './state-keys';
import type { Finding } from '../model/finding';
import {
  BATCH_GET_MAX,
  BATCH_WRITE_MAX,
  batchGet,
  batchWrite,
  chunk,
  emptyStats,
  forEachLimit,
  type BatchContext,
  type Item,
  type Key,
  type StoreStats,
  UnprocessedItemsError,
} from './batch';
import {
  EVENT_SK_PREFIX,
  FINDINGS_PK,
  META_PK,
  findingKey,
  findingPartitions,
  findingsPk,
  findingsResourcePrefix,
  OUTBOX_PK,
  SNAPSHOT_SK,
  UNVERIFIED_PK,
  eventItem,
  eventKey,
  isExpired,
  itemBytes,
  jsonItem,
  KIND_PREFIX,
  keyProblem,
  keyString,
  entityPk,
  parseEntityPk,
  readEvent,
  readJson,
  readSnapshot,
  snapshotItem,
} from './items';
import { joinEvent, SharedConfigMembers } from './event-split';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry';
import { PartialPutError } from './partial-put-error';
import {
  byCreation,
  type ClusterRead,
  type CompactionResult,
  type FindingKey,
  type FleetCache,
  type FleetStore,
  type FleetWithHistory,
  type FleetWithHistoryOptions,
  type ListMetaOptions,
  type IndexedFleetReads,
  type RefreshedEntity,
  type FutureEventRef,
  type OutboxMessage,
  type PurgeFutureResult,
  type PutEventsResult,
  type ShardedFleetReads,
  type ShardRead,
  type ShardRef,
} from './types';
import { withoutStampsAfter } from '../model/future-stamps';
import { decodeUnverifiedPage, encodeUnverifiedPages, mergeItemsAndPages } from './unverified-pages';
import { DEFAULT_MAX_AHEAD_SECONDS } from '../sources/clock-skew';

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long event history is kept (DynamoDB TTL); snapshots keep the state after that. */
  eventRetentionDays?: number;
  /**
   * An entity that received this many events through this store instance gets its snapshot refreshed
   * (one consistent Query of its partition and one conditional write). 0 disables; `compact` covers the rest.
   */
  snapshotEvery?: number;
  /** BatchWriteItem requests in flight per putEvents call. */
  writeConcurrency?: number;
  /** Parallel Scan segments for loadFleet/readHistory/compact. */
  scanSegments?: number;
  retry?: RetryPolicy;
  now?: () => number;
  /** Clock-skew policy: events dated more than this ahead of `now` are left out of every fold (default 15 min). */
  maxEventAheadMs?: number;
  /** Where `loadFleet` keeps the fleet it folded, to give it again while none of its items was written (local store). */
  fleetCache?: FleetCache;
}

/**
 * Writes stamped before a consistent read started by less than this may not be visible to it (client
 * clocks, requests in flight), so a snapshot claims coverage only up to read start minus this margin.
 */
const COVERAGE_MARGIN_MS = 5 * 60_000;
const SNAPSHOT_WRITE_ATTEMPTS = 8;
/** DynamoDB items are at most 400 KB; keys and the other attributes need the rest. */
const MAX_EVENT_BYTES = 390 * 1024;
/**
 * A snapshot keeps a stamp per field, so it can outgrow the item limit even when every event fit (one
 * upsert with 20,000 settings). Larger ones are not written: the entity's events keep its state.
 */
export const MAX_SNAPSHOT_BYTES = 390 * 1024;
/** Bound on per-entity counters kept for `snapshotEvery`; dropping one only delays that entity's snapshot. */
const MAX_TRACKED_ENTITIES = 50_000;

/**
 * FleetStore on one DynamoDB table, event-sourced: one item per event (idempotent on its key), plus
 * per-entity snapshots. State is the per-field last-writer-wins fold of snapshot and events, so write
 * order, late events and re-delivery never change the result. Access patterns: docs/store.md.
 */
/**
 * A conditional write another writer won (the version moved). By name as well as class: an SDK copied into
 * another bundle, or dynalite through a different client, throws an error of the same name but another class.
 */
function lostConditionalWrite(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err as Error | undefined)?.name === 'ConditionalCheckFailedException'
  );
}

export class DynamoStore implements FleetStore, IndexedFleetReads, ShardedFleetReads {
  readonly stats: StoreStats = emptyStats();
  private readonly ctx: BatchContext;
  private readonly retentionSec: number;
  private readonly snapshotEvery: number;
  private readonly writeConcurrency: number;
  private readonly scanSegments: number;
  private readonly now: () => number;
  private readonly maxEventAheadMs: number;
  /** Keys being written by a putEvents call still in flight, so a concurrent call counts them as duplicates. */
  private readonly inFlight = new Set<string>();
  private readonly sinceSnapshot = new Map<string, number>();
  /** Unverified page groups this store put in the directory (one PutItem per group and store instance). */
  private readonly knownGroups = new Set<string>();
  private legacyPagesGone = false;
  /** Shard registry entries this instance wrote or read, so a placement writes its shard's entry once. */
  private readonly registered = new Set<string>();
  readonly findingDigests: DynamoFindingDigests;

  constructor(private readonly options: DynamoStoreOptions) {
    this.ctx = {
      client: options.client,
      tableName: options.tableName,
      retry: options.retry ?? DEFAULT_RETRY,
      stats: this.stats,
    };
    this.findingDigests = new DynamoFindingDigests(this.ctx);
    this.retentionSec = Math.round((options.eventRetentionDays ?? 400) * 86_400);
    this.snapshotEvery = options.snapshotEvery ?? 200;
    this.writeConcurrency = options.writeConcurrency ?? 4;
    this.scanSegments = options.scanSegments ?? 4;
    this.now = options.now ?? Date.now;
    this.maxEventAheadMs = options.maxEventAheadMs ?? DEFAULT_MAX_AHEAD_SECONDS * 1000;
  }

  /** Event times after this are too far ahead: such events (stored before the policy, or under a looser one) are not state. */
  private futureCutoffMs(): number {
    return this.now() + this.maxEventAheadMs;
  }

  /** Releases the client's sockets. */
  close(): void {
    this.options.client.destroy();
  }

  get tableName(): string {
    return this.options.tableName;
  }

  async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    const result: PutEventsResult = { written: 0, duplicates: 0, subjects: [] };
    const fresh = new Map<string, { key: Key; event: FleetEvent; json: string }>();
    for (const event of events) {
      const json = JSON.stringify(event);
      const size = Buffer.byteLength(json);
      if (size > MAX_EVENT_BYTES) {
        result.rejected ??= [];
        result.rejected.push({
          id: event.id,
          reason: `event is ${Math.ceil(size / 1024)} KB; the store holds events up to ${MAX_EVENT_BYTES / 1024} KB (DynamoDB item limit)`,
        });
        continue;
      }
      let key: Key;
      try {
        key = eventKey(event);
      } catch {
        result.rejected ??= [];
        result.rejected.push({
          id: event.id,
          reason: `event time ${JSON.stringify(event.time)} is not a valid date`,
        });
        continue;
      }
      const problem = keyProblem(key);
      if (problem !== undefined) {
        result.rejected ??= [];
        result.rejected.push({ id: event.id, reason: `the store cannot key this event: ${problem}` });
        continue;
      }
      const ks = keyString(key);
      if (fresh.has(ks) || this.inFlight.has(ks)) result.duplicates++;
      else fresh.set(ks, { key, event, json });
    }
    for (const ks of fresh.keys()) this.inFlight.add(ks);
    try {
      const nowMs = this.now();
      const nowSec = Math.floor(nowMs / 1000);
      // Exact duplicate count: which keys are already stored. An expired item the TTL has not yet
      // deleted counts as absent, so re-ingesting it renews it.
      for (const keys of chunk(
        [...fresh.values()].map((f) => f.key),
        BATCH_GET_MAX,
      )) {
        const found = await batchGet(this.ctx, keys, ['pk', 'sk', 'expiresAt']);
        for (const item of found) {
          if (isExpired(item, nowSec)) continue;
          const ks = keyString({ pk: item.pk!.S!, sk: item.sk!.S! });
          if (fresh.delete(ks)) {
            this.inFlight.delete(ks);
            result.duplicates++;
          }
        }
      }
      await this.writeFresh(fresh, nowMs, nowSec + this.retentionSec, result);
    } finally {
      for (const ks of fresh.keys()) this.inFlight.delete(ks);
    }
    const due: string[] = [];
    for (const { key, event } of fresh.values()) {
      result.written++;
      result.subjects.push(eventSubject(event));
      // A scope partition holds inventory snapshots, never a STATE: compact() bakes them into its entities.
      if (this.snapshotEvery > 0 && parseEntityPk(key.pk)?.kind !== 'scope' && this.countTowardsSnapshot(key.pk))
        due.push(key.pk);
    }
    // The events are stored: a snapshot refresh is an optimisation the scheduled compaction repeats, so
    // its failure must not turn a stored batch into an error (the caller would retry and see duplicates).
    for (const pk of due) {
      try {
        const outcome = await this.compactEntity(pk);
        if (outcome.written) this.stats.snapshotsWritten++;
        else this.stats.snapshotsSkipped++;
      } catch {
        this.stats.snapshotsSkipped++;
      }
    }
    return result;
  }

  /**
   * Writes the new events in BatchWriteItem chunks. On a failure, throws `PartialPutError` naming the
   * events that were stored (whole chunks that succeeded, and the part of a chunk DynamoDB processed),
   * so callers can account for them; the original error when none were.
   */
  private async writeFresh(
    fresh: Map<string, { key: Key; event: FleetEvent; json: string }>,
    nowMs: number,
    expiresAt: number,
    counted: PutEventsResult,
  ): Promise<void> {
    const entries = [...fresh.values()];
    const stored = new Set<string>();
    try {
      await forEachLimit(chunk(entries, BATCH_WRITE_MAX), this.writeConcurrency, async (part) => {
        try {
          await batchWrite(
            this.ctx,
            part.map(({ key, event, json }) => eventItem(event, json, key, nowMs, expiresAt)),
          );
        } catch (err) {
          if (err instanceof UnprocessedItemsError) {
            const left = new Set(err.keys.map(keyString));
            for (const { key } of part) if (!left.has(keyString(key))) stored.add(keyString(key));
          }
          throw err;
        }
        for (const { key } of part) stored.add(keyString(key));
      });
    } catch (err) {
      if (stored.size === 0) throw err;
      const written = entries.filter(({ key }) => stored.has(keyString(key))).map(({ event }) => event);
      const partial: PutEventsResult = { ...counted, written: written.length, subjects: written.map(eventSubject) };
      throw new PartialPutError(written, partial, err);
    }
  }

  private countTowardsSnapshot(pk: string): boolean {
    const n = (this.sinceSnapshot.get(pk) ?? 0) + 1;
    if (n >= this.snapshotEvery) {
      this.sinceSnapshot.delete(pk);
      return true;
    }
    if (!this.sinceSnapshot.has(pk) && this.sinceSnapshot.size >= MAX_TRACKED_ENTITIES) {
      this.sinceSnapshot.delete(this.sinceSnapshot.keys().next().value!);
    }
    this.sinceSnapshot.set(pk, n);
    return false;
  }

  /**
   * `foldAll` without folding, then `materialisePartitions`, without keeping the parsed events through the Scan. Most
   * partitions hold one upsert (a fleet ingested once); kept until the Scan's end, the 105,000 parsed events of a
   * 100,000-VM fleet (and a partition of empty state and lists each) were copied by every scavenge and promoted, to
   * be dropped once materialised. So a partition's first item, when it is an event, is held as its stored text
   * until the partition shows another item; once the Scan's segment has moved on to another partition, it is parsed
   * straight into its fleet object (`settle`), whose parsed event then dies young.
   *
   * That relies on a partition's items coming together in its segment, which DynamoDB's and the local store's Scans
   * do (items sorted by partition, then sort key) but the API does not promise: an item of a partition already
   * settled is noticed, and the fleet is then read again holding every lone event as text to the Scan's end
   * (`loadFleetHeld`). The result, the entities' order and what a damaged item throws are those of the fold either
   * way.
   */
  async loadFleet(): Promise<Fleet> {
    const cache = this.options.fleetCache;
    const cutoff = new FutureCutoff(this.futureCutoffMs());
    if (cache === undefined) return this.readFleet(cutoff);
    // The token changes with any write to an item this Scan takes; read before the fleet and again after it, the same
    // token says no write came between, so the fleet read is the one the token stands for.
    const watched = { TableName: this.tableName, ...this.fleetScanFilter() };
    const token = await cache.watch(watched).catch(() => undefined);
    const kept = token === undefined ? undefined : cache.read(token, cutoff.ms);
    if (kept !== undefined) return kept;
    const fleet = await this.readFleet(cutoff);
    if (token !== undefined && !cutoff.leftOut && (await cache.watch(watched).catch(() => undefined)) === token)
      cache.write(token, cutoff.ms, fleet);
    return fleet;
  }

  /** The Scan members of the fleet's read: its filter and projection. */
  private fleetScanFilter(): ScanFilter {
    const { placement: _unread, ...projected } = FOLD_ATTRIBUTES;
    return { ...ENTITY_ITEMS, ...projected };
  }

  /** `loadFleet` from the store's items, `cutoff` noting whether it left any out. */
  private async readFleet(cutoff: FutureCutoff): Promise<Fleet> {
    const read = new Map<string, FleetReadEntry>();
    const shared = fleetShared();
    // Per Scan segment, the partition whose lone event is held as text while the segment is still on it; '' for none
    // (no key is empty). One string per segment from the start: the reader below, optimised while it runs, was
    // deoptimised and compiled again at a read past the end of an array still empty there ("out of bounds"), and at an
    // `undefined` where it had compared strings only ("not a String").
    const open: string[] = Array.from({ length: this.scanSegments }, () => '');
    const settleOpen = (segment: number) => {
      const pk = open[segment]!;
      if (pk === '') return;
      open[segment] = '';
      const held = read.get(pk);
      if (held instanceof EventText) read.set(pk, new Settled(settle(pk, held, cutoff, shared)));
    };
    let scattered = false;
    await this.scan(false, this.fleetScanFilter(), (item, segment) => {
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      if (pk === undefined || sk === undefined || !parseEntityPk(pk)) return;
      if (open[segment] !== pk) settleOpen(segment);
      const held = read.get(pk);
      if (held instanceof Settled) {
        scattered = true;
        return;
      }
      if (held === undefined && sk.startsWith(EVENT_SK_PREFIX)) {
        read.set(pk, new EventText(item));
        open[segment] = pk;
        return;
      }
      takeItem(read, pk, held, item, sk, cutoff);
    });
    if (scattered) return this.loadFleetHeld(cutoff);
    for (let segment = 0; segment < open.length; segment++) settleOpen(segment);
    return materialiseFleet(fleetEntities(read, cutoff, shared), shared.values);
  }

  /** `loadFleet` holding every partition's lone event as text to the Scan's end, whatever order the items come in. */
  private async loadFleetHeld(cutoff: FutureCutoff): Promise<Fleet> {
    const read = new Map<string, FleetReadEntry>();
    await this.scan(false, this.fleetScanFilter(), (item) => {
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      if (pk === undefined || sk === undefined || !parseEntityPk(pk)) return;
      const held = read.get(pk);
      // Nothing is settled in this read.
      if (held instanceof Settled) return;
      if (held === undefined && sk.startsWith(EVENT_SK_PREFIX)) read.set(pk, new EventText(item));
      else takeItem(read, pk, held, item, sk, cutoff);
    });
    const shared = fleetShared();
    return materialiseFleet(fleetEntities(read, cutoff, shared), shared.values);
  }

  /**
   * One Scan for the fleet and the history: each event item is decoded and parsed once, kept for the history unless
   * expired (as `readHistory` leaves those out; the fold, like `loadFleet`'s, keeps them), and folded when the fleet
   * is wanted.
   */
  async loadFleetWithHistory(options: FleetWithHistoryOptions = {}): Promise<FleetWithHistory> {
    const nowSec = Math.floor(this.now() / 1000);
    const cutoff = new FutureCutoff(this.futureCutoffMs());
    const history: FleetEvent[] = [];
    let expired = 0;
    let snapshots = 0;
    // Only the end of the Scan says whether the fleet is needed (`fleetOnlyBeyondHistory`), so the read keeps each
    // entity item's partition key and what the fold takes of it, in Scan order, and builds the partitions from them
    // only then: at 100k VMs the partitions (a map entry, an empty state and two lists per entity) were about 0.5 s
    // of CPU, garbage when the history holds the fleet.
    const pks: string[] = [];
    const taken: EntityItem[] = [];
    const { ProjectionExpression, ExpressionAttributeNames } = options.leaveOutConfiguration
      ? SIMULATION_ATTRIBUTES
      : HISTORY_ATTRIBUTES;
    await this.scan(false, { ...ENTITY_ITEMS, ProjectionExpression, ExpressionAttributeNames }, (item) => {
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      if (pk === undefined || sk === undefined || !parseEntityPk(pk)) return;
      const read = entityItem(item, sk, cutoff);
      if (read instanceof StoredSnapshot) snapshots++;
      else if (read !== undefined) {
        if (isExpired(item, nowSec)) expired++;
        else history.push(read);
      }
      pks.push(pk);
      taken.push(read);
    });
    sortEvents(history);
    if (options.fleetOnlyBeyondHistory && expired === 0 && snapshots === 0) return { history };
    const partitions = new Map<string, EntityPartition>();
    for (let i = 0; i < pks.length; i++) {
      const read = taken[i];
      const part = partitionOf(partitions, pks[i]!);
      if (read instanceof StoredSnapshot) takeSnapshot(part, read.item, cutoff, false);
      else if (read !== undefined) part.unfolded.push(read);
    }
    return { fleet: materialisePartitions(partitions), history };
  }

  /**
   * Every entity's state: snapshot merged with all its event items still present. Expired events the
   * TTL has not deleted yet are folded too; folding is idempotent, so one a snapshot already holds
   * changes nothing, and one it does not hold is still state. `onEvent` is handed each event folded, with its
   * partition; `fold: false` leaves applying them to the caller. `attributes` are the ones read (default those a
   * compaction needs): a reader that needs less says so, and the server sends less.
   */
  private async foldAll(
    consistent = false,
    onEvent?: (item: Item, event: FleetEvent, part: EntityPartition) => void,
    fold = true,
    attributes: Projection = COMPACTION_ATTRIBUTES,
  ): Promise<Map<string, EntityPartition>> {
    const partitions = new Map<string, EntityPartition>();
    const cutoff = new FutureCutoff(this.futureCutoffMs());
    const { placement: readsPlacement, ...projected } = attributes;
    await this.scan(consistent, { ...ENTITY_ITEMS, ...projected }, (item) => {
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      if (pk === undefined || sk === undefined || !parseEntityPk(pk)) return;
      const part = partitionOf(partitions, pk);
      const read = entityItem(item, sk, cutoff);
      if (read === undefined) return;
      if (read instanceof StoredSnapshot) {
        takeSnapshot(part, read.item, cutoff, readsPlacement);
        return;
      }
      if (fold) applyEvent(part.events, read);
      onEvent?.(item, read, part);
      part.uncovered.push(Number(item.at?.N ?? '0'));
    });
    for (const part of partitions.values()) {
      const covered = part.snapshot?.coveredUntilMs ?? -1;
      part.uncovered = part.uncovered.filter((at) => at > covered);
    }
    return partitions;
  }

  async *readHistory(): AsyncIterable<FleetEvent> {
    const nowSec = Math.floor(this.now() / 1000);
    const cutoff = this.futureCutoffMs();
    const events: FleetEvent[] = [];
    await this.scan(false, EVENT_ITEMS, (item) => {
      const sk = item.sk?.S;
      if (sk?.startsWith(EVENT_SK_PREFIX) && !isExpired(item, nowSec) && parseEntityPk(item.pk?.S ?? '')) {
        const event = readEvent(item);
        if (Date.parse(event.time) <= cutoff) events.push(event);
      }
    });
    events.sort(compareEvents);
    yield* events;
  }

  /**
   * Refreshes snapshots from a consistent full read, for entities with at least `minUncovered` events
   * no snapshot holds yet. Run it more often than the retention period (the deployed stack schedules it)
   * so no event expires before a snapshot holds it.
   */
  async compact(options: { minUncovered?: number } = {}): Promise<CompactionResult> {
    const min = options.minUncovered ?? 1;
    // The daily run starts here, so a table written before findings were partitioned upgrades on its first run.
    const { moved: findingsMigrated } = await this.migrateFindings();
    const readStart = this.now();
    const partitions = await this.foldAll(true);
    const tally = new SnapshotTally();
    // Inventory snapshots are stored once per scope and expire like any event: before they do, each entity
    // they remove must carry that removal in its own snapshot (`absentFrom`), so an entity is also due when
    // an inventory snapshot removes it and its stored snapshot does not say so yet.
    const inventories = inventoriesOf(partitions);
    const entities = new Map<string, EntityState>();
    for (const [pk, part] of partitions) {
      if (part.events.kind === 'scope') continue;
      entities.set(
        pk,
        applyInventories(part.snapshot ? mergeStates(part.snapshot.state, part.events) : part.events, inventories),
      );
    }
    // Every snapshot carries its place in the cluster index, computed here from the whole fleet (a VM sits under its
    // host's cluster, with its inherited perimeter); one whose placement moved, or that predates the index, is due.
    const placements = fleetPlacements(entities.values());
    let newestEventAt: string | undefined;
    for (const state of entities.values())
      if (state.last !== undefined && (newestEventAt === undefined || state.last.time > newestEventAt))
        newestEventAt = state.last.time;
    const due = [...partitions.entries()].filter(
      ([pk, p]) =>
        entities.has(pk) &&
        (p.uncovered.length >= min ||
          !sameStamps(entities.get(pk)!.absentFrom, p.snapshot?.state.absentFrom) ||
          p.placement?.indexed !== true ||
          !samePlacement(p.placement, placements.get(pk) ?? {})),
    );
    // Each entity on its own: one that cannot be snapshotted must not keep the others' events from
    // being covered before their TTL.
    await forEachLimit(due, this.writeConcurrency, async ([pk]) => {
      const state = entities.get(pk)!;
      try {
        const placement = placements.get(pk) ?? {};
        tally.record(state, await this.writeSnapshot(pk, state, readStart - COVERAGE_MARGIN_MS, () => placement));
      } catch (err) {
        tally.fail(state, err);
      }
    });
    tally.addTo(this.stats);
    // Incremental reads trust the index only once every entity is in it: an entity left out would be missing
    // from its cluster's Query.
    if (tally.complete()) {
      // Every shard in the registry, including ones placed before the registry existed, then the marker the daily
      // run lists shards by.
      const shards = new Set<string>();
      for (const p of placements.values()) if (p.gpk !== undefined && isShardGpk(p.gpk)) shards.add(p.gpk);
      await forEachLimit([...shards], this.writeConcurrency, (gpk) => this.registerShard(gpk, true));
      const builtAt = new Date(readStart).toISOString();
      await writeState(this, STATE.clusterIndex, { builtAt, entities: entities.size, index: CLUSTER_INDEX.name });
      await writeState(this, STATE.shardRegistry, { builtAt, shards: shards.size });
    }
    return {
      entities: entities.size,
      snapshotsWritten: tally.written,
      ...(newestEventAt !== undefined && { newestEventAt }),
      ...tally.problems(),
      ...(findingsMigrated > 0 && { findingsMigrated }),
    };
  }

  /**
   * Snapshot of one entity from a consistent Query of its partition. `written: false` when the snapshot
   * would exceed the item limit (its events keep the state).
   */
  async compactEntity(pk: string): Promise<SnapshotOutcome> {
    const read = await this.readPartition(pk);
    return this.writeSnapshot(pk, read.state, read.readStart - COVERAGE_MARGIN_MS);
  }

  /** One entity folded from a consistent Query of its partition (snapshot and events), and when the read started. */
  private async readPartition(pk: string): Promise<{ state: EntityState; readStart: number }> {
    const entity = parseEntityPk(pk);
    if (!entity || entity.kind === 'scope') throw new RangeError(`not an entity partition: ${pk}`);
    const readStart = this.now();
    const cutoff = this.futureCutoffMs();
    let state = emptyState(entity.kind, entity.id);
    await this.query(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true },
      (item) => {
        const sk = item.sk!.S!;
        if (sk === SNAPSHOT_SK) state = mergeStates(state, withoutStampsAfter(readSnapshot(item).state, cutoff).state);
        else if (sk.startsWith(EVENT_SK_PREFIX)) {
          const event = readEvent(item);
          if (Date.parse(event.time) <= cutoff) applyEvent(state, event);
        }
      },
    );
    return { state, readStart };
  }

  async clusterIndexReady(): Promise<boolean> {
    // A record of the previous index does not count: its snapshots carry no `z` until compaction rewrites them.
    return (await readState(this, STATE.clusterIndex))?.index === CLUSTER_INDEX.name;
  }

  /**
   * Re-snapshots each changed entity with its placement, hosts first so a VM changed with its host is placed under
   * the host's new cluster. Reads per entity: its partition, and for a VM its host's (once per batch) and, when it
   * inherits its perimeter, its clone ancestors'.
   */
  async refreshEntities(subjects: PutEventsResult['subjects']): Promise<RefreshedEntity[]> {
    const reads = new Map<string, Promise<{ state: EntityState; readStart: number }>>();
    const read = (pk: string) => getOrCreate(reads, pk, () => this.readPartition(pk));
    const order = { host: 0, perimeter: 1, vm: 2 } as const;
    const entities = subjects
      .filter((s): s is { kind: RefreshedEntity['kind']; id: string } => s.kind !== 'scope')
      .sort((a, b) => order[a.kind] - order[b.kind]);
    const out: RefreshedEntity[] = [];
    const refresh = async ({ kind, id }: { kind: RefreshedEntity['kind']; id: string }) => {
      const pk = entityPk(kind, id);
      const { state, readStart } = await read(pk);
      const placement = await this.placementAround(state, read);
      const outcome = await this.writeSnapshot(pk, state, readStart - COVERAGE_MARGIN_MS, () => placement);
      if (!outcome.written) throw new Error(`snapshot of ${pk} is ${outcome.bytes} bytes, over the item limit`);
      out.push({
        kind,
        id,
        ...(outcome.before && { before: outcome.before.state }),
        beforePlacement: outcome.before?.placement ?? {},
        after: state,
        afterPlacement: placement,
      });
    };
    for (const group of ['host', 'perimeter', 'vm'] as const)
      await forEachLimit(
        entities.filter((e) => e.kind === group),
        this.writeConcurrency,
        refresh,
      );
    return out;
  }

  /** An entity's placement from its state, its host's (a VM's cluster) and its clone ancestors' (its perimeter). */
  private async placementAround(
    state: EntityState,
    read: (pk: string) => Promise<{ state: EntityState }>,
  ): Promise<IndexPlacement> {
    const around: EntityState[] = [state];
    if (state.kind === 'vm') {
      const plain = toPlainLive(state);
      if (typeof plain?.hostId === 'string') around.push((await read(entityPk('host', plain.hostId))).state);
      // Walks the clone chain while no VM on it names its own perimeter (materialiseFleet resolves it).
      let cursor = plain?.perimeter === undefined ? plain?.clonedFrom : undefined;
      for (let hops = 0; typeof cursor === 'string' && hops < MAX_CLONE_HOPS; hops++) {
        const ancestor = (await read(entityPk('vm', cursor))).state;
        around.push(ancestor);
        const own = toPlainLive(ancestor) ?? lineageOfRemoved(ancestor);
        cursor = own?.perimeter === undefined ? own?.clonedFrom : undefined;
      }
    }
    return fleetPlacements(around).get(entityPk(state.kind as 'host' | 'vm' | 'perimeter', state.id)) ?? {};
  }

  /** Lists a shard in the registry (idempotent: one PutItem per shard and store instance). */
  private async registerShard(gpk: string, always = false): Promise<void> {
    if (!always && this.registered.has(gpk)) return;
    await this.putItem({ pk: { S: SHARDS_PK }, sk: { S: gpk } });
    this.registered.add(gpk);
  }

  async shardRegistryReady(): Promise<boolean> {
    return (await readState(this, STATE.shardRegistry)) !== undefined;
  }

  async listShards(): Promise<ShardRef[]> {
    const out: ShardRef[] = [];
    await this.query(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: SHARDS_PK } } },
      (item) => {
        const gpk = item.sk?.S;
        if (gpk === undefined || !isShardGpk(gpk)) return;
        this.registered.add(gpk);
        const cluster = clusterOfGpk(gpk);
        out.push(cluster === undefined ? {} : { cluster });
      },
    );
    return out;
  }

  /**
   * The daily run's compaction of one shard: the entities the cluster index places there, each folded from a
   * consistent Query of its partition with its scope's inventory snapshots, re-placed (a VM under its host's cluster,
   * reading a host or clone ancestor outside the shard when it must) and re-snapshotted when due, as `compact()` does
   * for the whole table. Reads one shard, the partitions its entities point at, and their scopes.
   */
  async compactShard(shard: ShardRef): Promise<ShardRead> {
    const gpk = clusterGpk(shard.cluster);
    const members: string[] = [];
    await this.query(
      {
        IndexName: CLUSTER_INDEX.name,
        KeyConditionExpression: 'gpk = :g',
        ExpressionAttributeValues: { ':g': { S: gpk } },
        ProjectionExpression: 'pk, sk',
      },
      (item) => {
        const pk = item.pk?.S;
        const kind = pk === undefined ? undefined : parseEntityPk(pk)?.kind;
        if (item.sk?.S === SNAPSHOT_SK && (kind === 'host' || kind === 'vm')) members.push(pk!);
      },
    );
    const readStart = this.now();
    const nowSec = Math.floor(readStart / 1000);
    const cutoff = this.futureCutoffMs();
    const folds = new Map<string, Promise<PartitionFold>>();
    const fold = (pk: string) => getOrCreate(folds, pk, () => this.foldPartition(pk, nowSec, cutoff));
    const scopes = new Map<string, Promise<WholeInventory[]>>();
    const inventories = (scope: string) =>
      getOrCreate(scopes, scope, async () => wholeInventories((await fold(entityPk('scope', scope))).state));
    // An entity as compact() sees it: its fold with its scope's whole inventories applied.
    const resolved = new Map<string, Promise<EntityState>>();
    const read = (pk: string) =>
      getOrCreate(resolved, pk, async () => {
        const { state } = await fold(pk);
        const scope = state.scope?.v;
        return scope === undefined ? state : applyInventories(state, new Map([[scope, await inventories(scope)]]));
      });
    await forEachLimit(members, SHARD_REQUESTS_IN_FLIGHT, async (pk) => {
      await read(pk);
    });

    const tally = new SnapshotTally();
    const movedOut: ShardRead['movedOut'] = [];
    const states: EntityState[] = [];
    const history: FleetEvent[] = [];
    // Hosts first: a VM's placement reads its host's fold, which is then the host's compacted state.
    const order = (pk: string) => (parseEntityPk(pk)?.kind === 'host' ? 0 : 1);
    for (const group of [0, 1])
      await forEachLimit(
        members.filter((pk) => order(pk) === group),
        SHARD_REQUESTS_IN_FLIGHT,
        async (pk) => {
          const state = await read(pk);
          const part = await fold(pk);
          states.push(state);
          history.push(...part.history);
          try {
            const placement = await this.placementAround(state, async (other) => ({ state: await read(other) }));
            // A removed entity has no placement: it leaves the index, it does not move.
            if (
              placement.gpk !== undefined &&
              placement.gpk !== gpk &&
              (state.kind === 'host' || state.kind === 'vm')
            ) {
              const cluster = clusterOfGpk(placement.gpk);
              movedOut.push({ kind: state.kind, id: state.id, to: cluster === undefined ? {} : { cluster } });
            }
            const due =
              part.uncovered > 0 ||
              !sameStamps(state.absentFrom, part.stored?.absentFrom) ||
              part.placement?.indexed !== true ||
              !samePlacement(part.placement, placement);
            if (!due) return;
            tally.record(state, await this.writeSnapshot(pk, state, readStart - COVERAGE_MARGIN_MS, () => placement));
          } catch (err) {
            tally.fail(state, err);
          }
        },
      );
    tally.addTo(this.stats);
    // The inventory snapshots of the shard's scopes too: replayed, they remove what the scope no longer lists.
    for (const scope of scopes.keys()) history.push(...(await fold(entityPk('scope', scope))).history);
    history.sort(compareEvents);
    const memberSet = new Set(members);
    const context = await Promise.all([...resolved].filter(([pk]) => !memberSet.has(pk)).map(([, state]) => state));
    return {
      states,
      history,
      movedOut,
      context,
      compaction: {
        entities: members.length,
        snapshotsWritten: tally.written,
        ...tally.problems(),
      },
    };
  }

  /** One partition from a consistent Query: its fold, its live event history, and what its snapshot holds. */
  private async foldPartition(pk: string, nowSec: number, cutoff: number): Promise<PartitionFold> {
    const entity = parseEntityPk(pk);
    if (!entity) throw new RangeError(`not an entity partition: ${pk}`);
    let snapshot: { state: EntityState; coveredUntilMs: number } | undefined;
    let placement: (IndexPlacement & { indexed: boolean }) | undefined;
    const events = emptyState(entity.kind, entity.id);
    const history: FleetEvent[] = [];
    const stored: number[] = [];
    await this.queryPartition(pk, (item) => {
      const sk = item.sk!.S!;
      if (sk === SNAPSHOT_SK) {
        const read = readSnapshot(item);
        snapshot = { state: withoutStampsAfter(read.state, cutoff).state, coveredUntilMs: read.coveredUntilMs };
        placement = readPlacement(item);
      } else if (sk.startsWith(EVENT_SK_PREFIX)) {
        const event = readEvent(item);
        if (Date.parse(event.time) > cutoff) return;
        applyEvent(events, event);
        stored.push(Number(item.at?.N ?? '0'));
        if (!isExpired(item, nowSec)) history.push(event);
      }
    });
    const covered = snapshot?.coveredUntilMs ?? -1;
    return {
      state: snapshot ? mergeStates(snapshot.state, events) : events,
      history,
      uncovered: stored.filter((at) => at > covered).length,
      ...(snapshot && { stored: snapshot.state }),
      ...(placement && { placement }),
    };
  }

  async readClusters(reads: readonly ClusterRead[]): Promise<EntityState[]> {
    const found = new Map<string, Item>();
    const unique = new Map(reads.map((r) => ['cluster' in r ? `c${r.cluster}` : `h${r.unclusteredHost}`, r] as const));
    await forEachLimit([...unique.values()], this.writeConcurrency, (r) =>
      this.query(
        {
          IndexName: CLUSTER_INDEX.name,
          ...('cluster' in r
            ? {
                KeyConditionExpression: 'gpk = :g',
                ExpressionAttributeValues: { ':g': { S: clusterGpk(r.cluster) } },
              }
            : {
                KeyConditionExpression: 'gpk = :g AND begins_with(gsk, :p)',
                ExpressionAttributeValues: {
                  ':g': { S: NO_CLUSTER_GPK },
                  ':p': { S: hostGskPrefix(r.unclusteredHost || undefined) },
                },
              }),
        },
        (item) => {
          const pk = item.pk?.S;
          if (item.sk?.S === SNAPSHOT_SK && pk !== undefined && !found.has(pk)) found.set(pk, item);
        },
      ),
    );
    return this.statesOfIndexItems([...found.values()]);
  }

  async readPerimeters(): Promise<EntityState[]> {
    const found: Item[] = [];
    await this.query(
      {
        IndexName: CLUSTER_INDEX.name,
        KeyConditionExpression: 'gpk = :g',
        ExpressionAttributeValues: { ':g': { S: PERIMETERS_GPK } },
      },
      (item) => {
        if (item.sk?.S === SNAPSHOT_SK) found.push(item);
      },
    );
    return this.statesOfIndexItems(found);
  }

  /**
   * The states index items hold (`z`); a snapshot placed before the index projected `z` (until the next compaction
   * rewrites it) is read from the table, 100 keys a BatchGetItem.
   */
  private async statesOfIndexItems(items: readonly Item[]): Promise<EntityState[]> {
    const cutoff = this.futureCutoffMs();
    const out: EntityState[] = [];
    const missing: Key[] = [];
    for (const item of items) {
      const state = stateFromIndex(item);
      if (state !== undefined) out.push(state);
      else missing.push({ pk: item.pk!.S!, sk: SNAPSHOT_SK });
    }
    await forEachLimit(chunk(missing, BATCH_GET_MAX), this.writeConcurrency, async (keys) => {
      for (const item of await batchGet(this.ctx, keys, ['pk', 's'])) if (item.s) out.push(readSnapshot(item).state);
    });
    return out.map((state) => withoutStampsAfter(state, cutoff).state);
  }

  async readEntities(refs: readonly { kind: 'host' | 'vm'; id: string }[]): Promise<EntityState[]> {
    const out: EntityState[] = [];
    await forEachLimit(refs, this.writeConcurrency, async (r) => {
      out.push((await this.readPartition(entityPk(r.kind, r.id))).state);
    });
    return out;
  }

  async perimeterMembers(perimeterId: string): Promise<Set<string>> {
    const out = new Set<string>();
    await this.query(
      {
        IndexName: CLUSTER_INDEX.name,
        KeyConditionExpression: 'gpk = :g',
        ExpressionAttributeValues: { ':g': { S: membersGpk(perimeterId) } },
        ProjectionExpression: 'pk',
      },
      (item) => {
        const entity = parseEntityPk(item.pk?.S ?? '');
        if (entity?.kind === 'vm') out.add(entity.id);
      },
    );
    return out;
  }

  /**
   * Optimistic concurrency on the snapshot's version: a writer that lost the race re-reads and merges
   * again, so two compactions never drop each other's events. A snapshot over the item limit is never
   * sent (DynamoDB would refuse it); the entity's events stay and keep its state.
   */
  private async writeSnapshot(
    pk: string,
    state: EntityState,
    coveredUntilMs: number,
    placementFor?: () => IndexPlacement,
  ): Promise<SnapshotOutcome> {
    for (let attempt = 0; attempt < SNAPSHOT_WRITE_ATTEMPTS; attempt++) {
      const current = await this.getItem({ pk, sk: SNAPSHOT_SK });
      const old = current && readSnapshot(current);
      const oldPlacement = current && readPlacement(current);
      const merged = old ? mergeStates(old.state, state) : state;
      const version = (old?.version ?? 0) + 1;
      const covered = Math.max(old?.coveredUntilMs ?? 0, coveredUntilMs);
      // A writer that does not place the entity (ingest's periodic snapshot) keeps the placement it found.
      const placement = placementFor?.();
      const extra = placement ? placementAttributes(placement) : current ? keptPlacementAttributes(current) : {};
      const item = snapshotItem(pk, merged, version, covered, withIndexedCopy(extra, merged));
      const bytes = itemBytes(item);
      if (bytes > MAX_SNAPSHOT_BYTES) return { written: false, bytes };
      // The membership item first: a crash between the two leaves the snapshot's old `mp`, so the next writer
      // sees the difference and writes it again.
      if (
        placement &&
        merged.kind === 'vm' &&
        (oldPlacement?.indexed !== true || oldPlacement.member !== placement.member) &&
        (oldPlacement !== undefined || placement.member !== undefined)
      )
        await this.putItem(memberItem(pk, placement.member));
      try {
        await withRetry(this.ctx.retry, () =>
          this.options.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: item,
              ...(old
                ? { ConditionExpression: 'v = :v', ExpressionAttributeValues: { ':v': { N: String(old.version) } } }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            }),
          ),
        );
        this.stats.writeRequests++;
        this.stats.itemsWritten++;
        if (placement?.gpk !== undefined && isShardGpk(placement.gpk) && oldPlacement?.gpk !== placement.gpk)
          await this.registerShard(placement.gpk);
        return {
          written: true,
          bytes,
          ...(old && oldPlacement && { before: { state: old.state, placement: oldPlacement } }),
        };
      } catch (err) {
        if (!lostConditionalWrite(err)) throw err;
      }
    }
    throw new Error(
      `snapshot of ${pk}: lost the write race ${SNAPSHOT_WRITE_ATTEMPTS} times (too many concurrent compactions)`,
    );
  }

  async listFutureEvents(): Promise<FutureEventRef[]> {
    return (await this.scanFutureEvents()).map((f) => f.ref);
  }

  async purgeFutureEvents(): Promise<PurgeFutureResult> {
    const cutoff = this.futureCutoffMs();
    const future = await this.scanFutureEvents(cutoff);
    for (const { key } of future) {
      await withRetry(this.ctx.retry, () =>
        this.options.client.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
        ),
      );
      this.stats.writeRequests++;
    }
    // Snapshots written before the policy may have folded such events in; rewrite them without their stamps.
    const snapshots: string[] = [];
    await this.scan(true, SNAPSHOT_ITEMS, (item) => {
      if (
        item.sk?.S === SNAPSHOT_SK &&
        item.pk?.S !== undefined &&
        withoutStampsAfter(readSnapshot(item).state, cutoff).changed
      )
        snapshots.push(item.pk.S);
    });
    let snapshotsRepaired = 0;
    for (const pk of snapshots) if (await this.rewriteSnapshotWithout(pk, cutoff)) snapshotsRepaired++;
    return { deleted: future.length, snapshotsRepaired };
  }

  private async scanFutureEvents(cutoff = this.futureCutoffMs()): Promise<{ key: Key; ref: FutureEventRef }[]> {
    const found: { key: Key; ref: FutureEventRef }[] = [];
    await this.scan(true, EVENT_ITEMS, (item) => {
      const pk = item.pk?.S;
      const sk = item.sk?.S;
      const entity = pk === undefined ? undefined : parseEntityPk(pk);
      if (!entity || sk === undefined || !sk.startsWith(EVENT_SK_PREFIX)) return;
      const event = readEvent(item);
      if (!(Date.parse(event.time) > cutoff)) return;
      found.push({
        key: { pk: pk!, sk },
        ref: {
          kind: entity.kind,
          subject: entity.id,
          eventId: event.id,
          type: event.type,
          time: event.time,
          ...(event.source !== undefined && { source: event.source }),
        },
      });
    });
    return found.sort((a, b) =>
      compareEvents({ time: a.ref.time, id: a.ref.eventId }, { time: b.ref.time, id: b.ref.eventId }),
    );
  }

  /** Replaces (not merges: a merge would keep the stamps) the snapshot, under the same version check as compaction. */
  private async rewriteSnapshotWithout(pk: string, cutoff: number): Promise<boolean> {
    for (let attempt = 0; attempt < SNAPSHOT_WRITE_ATTEMPTS; attempt++) {
      const current = await this.getItem({ pk, sk: SNAPSHOT_SK });
      if (!current) return false;
      const old = readSnapshot(current);
      const cleaned = withoutStampsAfter(old.state, cutoff);
      if (!cleaned.changed) return false;
      try {
        // Keeps its place in the cluster index, with the index's copy of the cleaned state.
        const item = snapshotItem(
          pk,
          cleaned.state,
          old.version + 1,
          old.coveredUntilMs,
          withIndexedCopy(keptPlacementAttributes(current), cleaned.state),
        );
        await withRetry(this.ctx.retry, () =>
          this.options.client.send(
            new PutItemCommand({
              TableName: this.tableName,
              Item: item,
              ConditionExpression: 'v = :v',
              ExpressionAttributeValues: { ':v': { N: String(old.version) } },
            }),
          ),
        );
        this.stats.writeRequests++;
        this.stats.itemsWritten++;
        return true;
      } catch (err) {
        if (!lostConditionalWrite(err)) throw err;
      }
    }
    throw new Error(
      `snapshot of ${pk}: lost the write race ${SNAPSHOT_WRITE_ATTEMPTS} times while removing future stamps`,
    );
  }

  /**
   * Every finding: the 16 finding partitions in parallel, plus the single partition of tables written before
   * findings were partitioned (upgraded in place: a partitioned copy wins, and `migrateFindings` moves the rest).
   */
  async listFindings(): Promise<Finding[]> {
    const [items, paged] = await Promise.all([this.listFindingItems(), this.listUnverifiedFindings()]);
    return mergeItemsAndPages(items, paged);
  }

  /** The finding items: the 16 partitions in parallel, and the single partition of an older table (upgraded in place). */
  async listFindingItems(): Promise<Finding[]> {
    const byFingerprint = new Map<string, Finding>();
    const legacy: Finding[] = [];
    await Promise.all([
      ...findingPartitions().map((pk) =>
        this.queryPartition(pk, (item) => {
          const f = readJson<Finding>(item);
          byFingerprint.set(f.fingerprint, f);
        }),
      ),
      this.queryPartition(FINDINGS_PK, (item) => legacy.push(readJson<Finding>(item))),
    ]);
    for (const f of legacy) if (!byFingerprint.has(f.fingerprint)) byFingerprint.set(f.fingerprint, f);
    return [...byFingerprint.values()];
  }

  /**
   * Unverified findings on pages: per group (a cluster's resources, unclustered ones, perimeters) one partition,
   * listed in the `UNVERIFIED_GROUPS_PK` directory. Without `groups` every group's, after the per-rule pages an older
   * table keeps in `FINDINGS#UNVERIFIED` (the group copies, written later, win when both exist).
   */
  async listUnverifiedFindings(groups?: readonly string[]): Promise<Finding[]> {
    const every = groups === undefined;
    const partitions = every
      ? [UNVERIFIED_PK, ...(await this.unverifiedGroups()).map(unverifiedGroupPk)]
      : [...new Set(groups)].map(unverifiedGroupPk);
    const read = new Map<string, Finding[]>();
    await forEachLimit(partitions, this.writeConcurrency, async (pk) => {
      read.set(pk, await this.readPagePartition(pk));
    });
    return partitions.flatMap((pk) => read.get(pk) ?? []);
  }

  private async unverifiedGroups(): Promise<string[]> {
    const groups: string[] = [];
    await this.queryPartition(UNVERIFIED_GROUPS_PK, (item) => groups.push(item.sk!.S!));
    return groups;
  }

  /** One partition of pages: per profile and rule a head names the current generation. */
  private async readPagePartition(pk: string): Promise<Finding[]> {
    const heads: UnverifiedHead[] = [];
    const pages = new Map<string, string>();
    await this.queryPartition(pk, (item) => {
      const sk = item.sk!.S!;
      if (sk.endsWith(HEAD_SUFFIX)) heads.push(readJson<UnverifiedHead>(item));
      // Pages are deflated (`z`) since they were grouped by cluster; the per-rule pages of older tables are text.
      else pages.set(sk, item.z?.B !== undefined ? inflateRawSync(item.z.B).toString('utf8') : (item.j?.S ?? ''));
    });
    const out: Finding[] = [];
    for (const head of heads)
      for (let n = 0; n < head.pages; n++) {
        const text = pages.get(unverifiedPageSk(head.profile, head.ruleId, head.generation, n));
        if (text !== undefined) for (const f of decodeUnverifiedPage(text)) out.push(f);
      }
    return out;
  }

  /** Pages first, then the head naming them, then the older generation's pages are deleted. */
  async replaceUnverified(profile: string, group: string, ruleId: string, findings: readonly Finding[]): Promise<void> {
    const pk = unverifiedGroupPk(group);
    const generation = `${this.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    const texts = encodeUnverifiedPages(findings);
    const items = texts.map((text, n) => ({
      pk: { S: pk },
      sk: { S: unverifiedPageSk(profile, ruleId, generation, n) },
      // Deflated: a page repeats its members' keys and fingerprints' shape, and an evaluation reads its cluster's.
      z: { B: deflateRawSync(text) },
    }));
    await forEachLimit(chunk(items, BATCH_WRITE_MAX), this.writeConcurrency, (batch) => batchWrite(this.ctx, batch));
    if (!this.knownGroups.has(group)) {
      await this.putItem({ pk: { S: UNVERIFIED_GROUPS_PK }, sk: { S: group } });
      this.knownGroups.add(group);
    }
    const head: UnverifiedHead = { profile, ruleId, generation, pages: texts.length };
    await this.putItem(jsonItem(pk, `${unverifiedRulePrefix(profile, ruleId)}${HEAD_SUFFIX}`, head));
    await this.deleteKeys(
      (await this.pageKeysExcept(pk, unverifiedRulePrefix(profile, ruleId), generation)).map((sk) => ({ pk, sk })),
    );
  }

  /** Sort keys of a rule's (or a profile's) pages in one partition that are not of `generation`. */
  private async pageKeysExcept(pk: string, prefix: string, generation?: string): Promise<string[]> {
    const current = generation === undefined ? undefined : `p#${generation}#`;
    const out: string[] = [];
    await this.query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':prefix': { S: prefix } },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
      (item) => {
        const sk = item.sk!.S!;
        // Within a rule's prefix: pages of other generations; the head stays (it names the current one).
        if (current === undefined || (!sk.endsWith(HEAD_SUFFIX) && !sk.slice(prefix.length).startsWith(current)))
          out.push(sk);
      },
    );
    return out;
  }

  async legacyUnverifiedProfiles(): Promise<string[]> {
    if (this.legacyPagesGone) return [];
    const profiles = new Set<string>();
    await this.query(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: UNVERIFIED_PK } },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
      },
      // Keys `<profile>#<rule>#…`: profile names have no `#`.
      (item) => profiles.add(item.sk!.S!.split('#', 1)[0]!),
    );
    // Nothing writes per-rule pages any more: once gone, they stay gone for this store's life.
    if (profiles.size === 0) this.legacyPagesGone = true;
    return [...profiles].sort();
  }

  async dropLegacyUnverified(profile: string): Promise<void> {
    const keys = await this.pageKeysExcept(UNVERIFIED_PK, `${profile}#`);
    await this.deleteKeys(keys.map((sk) => ({ pk: UNVERIFIED_PK, sk })));
  }

  async deleteFindings(
    findings: readonly Pick<Finding, 'fingerprint' | 'resourceType' | 'resourceId'>[],
  ): Promise<void> {
    await this.deleteKeys(findings.map(findingKey));
  }

  private async deleteKeys(keys: readonly Key[]): Promise<void> {
    await forEachLimit(keys, this.writeConcurrency, async (key) => {
      await withRetry(this.ctx.retry, () =>
        this.options.client.send(
          new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
        ),
      );
      this.stats.writeRequests++;
    });
  }

  /** One resource's findings: one Query of its partition. */
  async listTypeFindings(resourceType: string): Promise<Finding[]> {
    const out: Finding[] = [];
    await Promise.all(
      findingPartitions().map((pk) =>
        this.query(
          {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': { S: pk }, ':prefix': { S: `${resourceType}#` } },
            ConsistentRead: true,
          },
          (item) => out.push(readJson<Finding>(item)),
        ),
      ),
    );
    return out;
  }

  async listResourceFindings(resourceType: string, resourceId: string): Promise<Finding[]> {
    const out: Finding[] = [];
    await this.query(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': { S: findingsPk(resourceType, resourceId) },
          ':prefix': { S: findingsResourcePrefix(resourceType, resourceId) },
        },
        ConsistentRead: true,
      },
      (item) => out.push(readJson<Finding>(item)),
    );
    return out;
  }

  async getFindings(keys: readonly FindingKey[]): Promise<Finding[]> {
    // BatchGetItem refuses a request naming one key twice.
    const unique = [...new Map(keys.map((k) => [k.fingerprint, findingKey(k)])).values()];
    const out: Finding[] = [];
    await forEachLimit(chunk(unique, BATCH_GET_MAX), this.writeConcurrency, async (batch) => {
      for (const item of await batchGet(this.ctx, batch)) out.push(readJson<Finding>(item));
    });
    return out;
  }

  async putFindings(findings: readonly Finding[]): Promise<void> {
    const byFingerprint = new Map(findings.map((f) => [f.fingerprint, f]));
    const items = [...byFingerprint.values()].map((f) => {
      const key = findingKey(f);
      return jsonItem(key.pk, key.sk, f);
    });
    await forEachLimit(chunk(items, BATCH_WRITE_MAX), this.writeConcurrency, (batch) => batchWrite(this.ctx, batch));
  }

  /**
   * Moves findings of the single legacy partition into the partitioned layout (write, then delete), so an existing
   * table upgrades in place. A finding already rewritten under its new key keeps that copy. Idempotent; the daily
   * run calls it through `compact`.
   */
  async migrateFindings(): Promise<{ moved: number }> {
    const legacy: Finding[] = [];
    await this.queryPartition(FINDINGS_PK, (item) => legacy.push(readJson<Finding>(item)));
    if (legacy.length === 0) return { moved: 0 };
    const partitioned = new Set<string>();
    await Promise.all(
      findingPartitions().map((pk) =>
        this.queryPartition(pk, (item) => partitioned.add(readJson<Finding>(item).fingerprint)),
      ),
    );
    await this.putFindings(legacy.filter((f) => !partitioned.has(f.fingerprint)));
    await this.deleteKeys(legacy.map((f) => ({ pk: FINDINGS_PK, sk: f.fingerprint })));
    return { moved: legacy.length };
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    const item = await this.getItem({ pk: META_PK, sk: key });
    return item ? readJson<T>(item) : undefined;
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await this.putItem(jsonItem(META_PK, key, value));
  }

  async listMeta<T>(prefix: string, options: ListMetaOptions = {}): Promise<{ key: string; value: T }[]> {
    const out: { key: string; value: T }[] = [];
    const input = {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: META_PK }, ':prefix': { S: prefix } },
      ConsistentRead: true,
    };
    const take = (item: Item) => out.push({ key: item.sk!.S!, value: readJson<T>(item) });
    if (options.newest === undefined) {
      await this.query(input, take);
      return out;
    }
    // Backwards from the greatest key, stopping after `newest`: the read is bounded by what the caller shows.
    if (options.newest > 0) await this.query({ ...input, ScanIndexForward: false }, take, options.newest);
    return out.reverse();
  }

  async deleteMeta(key: string): Promise<void> {
    await withRetry(this.ctx.retry, () =>
      this.options.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: META_PK }, sk: { S: key } } }),
      ),
    );
  }

  async enqueueOutbox(messages: readonly OutboxMessage[]): Promise<void> {
    for (const message of messages) {
      try {
        // Only if absent: re-enqueueing a message already delivered-and-deleted is the caller's call,
        // but re-enqueueing one still waiting must not reset it.
        await this.putItem(jsonItem(OUTBOX_PK, message.id, message), 'attribute_not_exists(pk)');
      } catch (err) {
        if (!lostConditionalWrite(err)) throw err;
      }
    }
  }

  async listOutbox(): Promise<OutboxMessage[]> {
    const out: OutboxMessage[] = [];
    await this.queryPartition(OUTBOX_PK, (item) => out.push(readJson<OutboxMessage>(item)));
    return out.sort(byCreation);
  }

  async deleteOutbox(id: string): Promise<void> {
    await withRetry(this.ctx.retry, () =>
      this.options.client.send(
        new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: OUTBOX_PK }, sk: { S: id } } }),
      ),
    );
  }

  private async getItem(key: Key): Promise<Item | undefined> {
    const out = await withRetry(this.ctx.retry, () =>
      this.options.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      ),
    );
    this.stats.readRequests++;
    return out.Item;
  }

  private async putItem(item: Item, condition?: string): Promise<void> {
    await withRetry(this.ctx.retry, () =>
      this.options.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition && { ConditionExpression: condition }),
        }),
      ),
    );
    this.stats.writeRequests++;
    this.stats.itemsWritten++;
  }

  private queryPartition(pk: string, onItem: (item: Item) => void): Promise<void> {
    return this.query(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true },
      onItem,
    );
  }

  /** Every page of a Query, or its first `limit` items. */
  private async query(
    input: Omit<QueryCommandInput, 'TableName'>,
    onItem: (item: Item) => void,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<void> {
    const stop = new AbortController();
    const request = (start: Item | undefined, left: number): Promise<QueryCommandOutput> =>
      withRetry(this.ctx.retry, () =>
        sendUnlessStopped(stop.signal, (abortSignal) =>
          this.options.client.send(
            new QueryCommand({
              ...input,
              TableName: this.tableName,
              ...(start && { ExclusiveStartKey: start }),
              ...(Number.isFinite(left) && { Limit: left }),
            }),
            { abortSignal },
          ),
        ),
      );
    let seen = 0;
    let next: Promise<QueryCommandOutput> | undefined = request(undefined, limit);
    try {
      while (next !== undefined) {
        const page: QueryCommandOutput | undefined = await next;
        this.stats.readRequests++;
        // A mocked client may answer undefined for a command it was not told about.
        const items: Item[] = page?.Items ?? [];
        const start: Item | undefined = page?.LastEvaluatedKey;
        const left: number = limit - seen - items.length;
        // The next page is asked for before this one's items are handed over (see `pagesAhead`).
        next = start && left > 0 ? pagesAhead(request(start, left)) : undefined;
        for (const item of items) {
          if (seen++ >= limit) break;
          onItem(item);
        }
      }
    } catch (err) {
      stop.abort();
      throw err;
    }
  }

  /**
   * Full table scan in parallel segments, each paginated. `filter` leaves out the items a reader would skip
   * anyway (findings and meta for the fleet, everything but events for the history) on the server's side: they
   * are still read there, but not serialised, sent and decoded here.
   */
  private async scan(
    consistent: boolean,
    filter: ScanFilter,
    onItem: (item: Item, segment: number) => void,
  ): Promise<void> {
    const segments = Array.from({ length: this.scanSegments }, (_, i) => i);
    // One per segment (a signal's listeners stay few); any segment's failure stops them all: the read has failed.
    const stops = segments.map(() => new AbortController());
    await Promise.all(
      segments.map(async (segment) => {
        const stop = stops[segment]!.signal;
        const request = (start: Item | undefined): Promise<ScanCommandOutput> =>
          withRetry(this.ctx.retry, () =>
            sendUnlessStopped(stop, (abortSignal) =>
              this.options.client.send(
                new ScanCommand({
                  TableName: this.tableName,
                  ConsistentRead: consistent,
                  ...filter,
                  ...(this.scanSegments > 1 && { Segment: segment, TotalSegments: this.scanSegments }),
                  ...(start && { ExclusiveStartKey: start }),
                }),
                { abortSignal },
              ),
            ),
          );
        let next: Promise<ScanCommandOutput> | undefined = request(undefined);
        try {
          while (next !== undefined) {
            const page: ScanCommandOutput = await next;
            this.stats.readRequests++;
            const start: Item | undefined = page.LastEvaluatedKey;
            next = start ? pagesAhead(request(start)) : undefined;
            for (const item of page.Items ?? []) onItem(item, segment);
          }
        } catch (err) {
          for (const other of stops) other.abort();
          throw err;
        }
      }),
    );
  }
}

/**
 * A paginated read's next page, asked for before the current page's items are handed to the reader: the server
 * (the embedded store's process, on the other core, or DynamoDB) prepares it while this process folds the items,
 * instead of each side waiting for the other page by page. The items still reach the reader in the same order.
 * If the reader throws, nobody awaits the page asked for ahead: its failure is observed here so it is not an
 * unhandled rejection (the reader's error is the one reported).
 */
function pagesAhead<T>(page: Promise<T>): Promise<T> {
  page.catch(() => undefined);
  return page;
}

/**
 * One attempt at a page of a paginated read, unless the read has failed (`stop` aborted): then the page asked for
 * ahead is cancelled in flight and never sent again, where `withRetry` would otherwise go on retrying it (for
 * seconds when throttled, keeping the process alive after the command failed) for a reader that has given up. The
 * abort error is not retryable, so the retry loop ends at once.
 */
function sendUnlessStopped<T>(stop: AbortSignal, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  stop.throwIfAborted();
  return send(stop);
}

export type SnapshotOutcome = {
  written: boolean;
  bytes: number;
  /** The snapshot this write replaced, and its placement. */
  before?: { state: EntityState; placement: IndexPlacement };
};

/**
 * Partitions a shard's compaction reads and writes at once: one per entity, ~2,000 for a 96-host cluster, so the
 * step's time is their latency over this; 16 keep a Lambda's sockets busy without throttling one partition (each
 * request is another entity's).
 */
const SHARD_REQUESTS_IN_FLIGHT = 16;

/** Clone chains are short; a bound keeps a hostile chain from turning one evaluation into thousands of reads. */
const MAX_CLONE_HOPS = 16;

/**
 * What a compaction's snapshot writes came to, entity by entity: one that cannot be snapshotted is counted and named,
 * never allowed to stop the others (their events must be covered before their TTL).
 */
class SnapshotTally {
  written = 0;
  private readonly oversized: NonNullable<CompactionResult['oversized']> = [];
  private readonly failed: NonNullable<CompactionResult['failed']> = [];

  record(state: EntityState, outcome: SnapshotOutcome): void {
    if (outcome.written) this.written++;
    else this.oversized.push({ kind: state.kind, id: state.id, bytes: outcome.bytes });
  }

  fail(state: EntityState, err: unknown): void {
    this.failed.push({ kind: state.kind, id: state.id, error: err instanceof Error ? err.message : String(err) });
  }

  /** Whether every due entity got its snapshot. */
  complete(): boolean {
    return this.oversized.length === 0 && this.failed.length === 0;
  }

  addTo(stats: StoreStats): void {
    stats.snapshotsWritten += this.written;
    stats.snapshotsSkipped += this.oversized.length + this.failed.length;
  }

  /** The result's `oversized` and `failed`, each only when not empty. */
  problems(): Pick<CompactionResult, 'oversized' | 'failed'> {
    return {
      ...(this.oversized.length > 0 && { oversized: this.oversized }),
      ...(this.failed.length > 0 && { failed: this.failed }),
    };
  }
}

function lineageOfRemoved(state: EntityState): Record<string, unknown> | undefined {
  const perimeter = state.lineage?.perimeter?.v;
  const clonedFrom = state.lineage?.clonedFrom?.v;
  return {
    ...(typeof perimeter === 'string' && { perimeter }),
    ...(typeof clonedFrom === 'string' && { clonedFrom }),
  };
}

/** Cluster-index placement of every entity the states describe, by partition key, from their materialised fleet. */
function fleetPlacements(states: Iterable<EntityState>): Map<string, IndexPlacement> {
  const list = [...states];
  const fleet = materialiseFleet(list);
  const out = new Map<string, IndexPlacement>();
  for (const state of list) {
    if (state.kind === 'scope') continue;
    const live =
      state.kind === 'host'
        ? fleet.hosts.get(state.id)
        : state.kind === 'vm'
          ? fleet.vms.get(state.id)
          : fleet.perimeters.get(state.id);
    const vmHost =
      state.kind === 'vm' && live && 'hostId' in live && live.hostId !== undefined
        ? fleet.hosts.get(live.hostId)
        : undefined;
    out.set(
      entityPk(state.kind, state.id),
      placementOf(
        state,
        live as Parameters<typeof placementOf>[1],
        vmHost ? { live: true, ...(vmHost.cluster !== undefined && { cluster: vmHost.cluster }) } : undefined,
      ),
    );
  }
  return out;
}

type ScanFilter = Pick<
  ScanCommandInput,
  'FilterExpression' | 'ExpressionAttributeValues' | 'ProjectionExpression' | 'ExpressionAttributeNames'
>;

/** A Scan's projection, and whether it reads the cluster-index placement (`readPlacement`'s attributes). */
type Projection = Pick<ScanFilter, 'ProjectionExpression' | 'ExpressionAttributeNames'> & { placement: boolean };

/** Names as `#aN` placeholders: some (`at`) are DynamoDB reserved words. */
function projection(names: readonly string[], placement: boolean): Projection {
  return {
    ProjectionExpression: names.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
    placement,
  };
}

/**
 * What each fold of the whole table reads of an entity partition's items (docs/store.md, "Items"). None reads `z`,
 * the snapshot's deflated copy the cluster index projects: it holds `s` again, and was about half of a compacted
 * table's bytes in every full read.
 */
const SNAPSHOT_FIELDS = ['pk', 'sk', 's', 'v', 'covered'];
/** `loadFleet`: the snapshot and the events, nothing about TTL, coverage by events or placement. */
const FOLD_ATTRIBUTES = projection([...SNAPSHOT_FIELDS, 'e', 'c'], false);
/** `loadFleetWithHistory`: also `expiresAt`, which says what the history leaves out. */
const HISTORY_ATTRIBUTES = projection([...SNAPSHOT_FIELDS, 'e', 'c', 'expiresAt'], false);
/** `loadFleetWithHistory` with `leaveOutConfiguration` (the simulation's read): the events without `c`. */
const SIMULATION_ATTRIBUTES = projection([...SNAPSHOT_FIELDS, 'e', 'expiresAt'], false);
/** `compact`: also events' stored-at time (coverage) and the snapshot's placement. */
const COMPACTION_ATTRIBUTES = projection([...SNAPSHOT_FIELDS, 'e', 'c', 'at', 'gpk', 'gsk', 'mp', 'hp', 'ix'], true);

/**
 * Items of entity partitions (events and snapshots of hosts, VMs, perimeters, scopes): parseEntityPk's test. VMs'
 * `MEMBER` items come along (the fold skips them): leaving them out with `AND (sk = :snapshot OR begins_with(sk,
 * :event))` cost dynalite more CPU evaluating the longer filter on every item than it saved sending them.
 */
const ENTITY_ITEMS: ScanFilter = {
  FilterExpression: Object.keys(KIND_PREFIX)
    .map((_, i) => `begins_with(pk, :kind${i})`)
    .join(' OR '),
  ExpressionAttributeValues: Object.fromEntries(
    Object.values(KIND_PREFIX).map((prefix, i) => [`:kind${i}`, { S: `${prefix}#` }]),
  ),
};
/** Event items of any partition (readers still check that the partition is an entity's). */
const EVENT_ITEMS: ScanFilter = {
  FilterExpression: 'begins_with(sk, :event)',
  ExpressionAttributeValues: { ':event': { S: EVENT_SK_PREFIX } },
};
const SNAPSHOT_ITEMS: ScanFilter = {
  FilterExpression: 'sk = :snapshot',
  ExpressionAttributeValues: { ':snapshot': { S: SNAPSHOT_SK } },
};

interface UnverifiedHead {
  profile: string;
  ruleId: string;
  generation: string;
  pages: number;
}
const HEAD_SUFFIX = '#head';

/** Where a group's pages live, and the directory of groups a full read lists (docs/store.md, "Items"). */
const UNVERIFIED_GROUPS_PK = `${UNVERIFIED_PK}#GROUPS`;
function unverifiedGroupPk(group: string): string {
  return `${UNVERIFIED_PK}#${group}`;
}

function unverifiedRulePrefix(profile: string, ruleId: string): string {
  return `${profile}#${ruleId}#`;
}

function unverifiedPageSk(profile: string, ruleId: string, generation: string, n: number): string {
  return `${unverifiedRulePrefix(profile, ruleId)}p#${generation}#${String(n).padStart(6, '0')}`;
}

/**
 * The fleet from `foldAll`'s partitions: each snapshot merged with its events' fold. The events a fold without `fold`
 * left unfolded are folded here, except an entity's one plain upsert with no snapshot (a fleet ingested once: every
 * entity), which `materialiseFleet` reads as it is (`SingleUpsert`: the same entity without a stamp per field).
 */
function materialisePartitions(partitions: ReadonlyMap<string, EntityPartition>): Fleet {
  return materialiseFleet(Array.from(partitions.values(), materialisedPartition));
}

/**
 * `event` as a single upsert (`singleUpsertOf`) when it is one of the partition's own entity: an item stored under
 * another entity's key folds into this one instead.
 */
function ownUpsert(event: FleetEvent, entity: { kind: string; id: string }): SingleUpsert | undefined {
  const single = singleUpsertOf(event);
  return single !== undefined && single.kind === entity.kind && single.id === entity.id ? single : undefined;
}

/** One partition as `materialiseFleet` takes it: its one upsert as it is, or its fold. */
function materialisedPartition(p: EntityPartition): EntityState | SingleUpsert {
  const single = p.snapshot === undefined && p.unfolded.length === 1 ? ownUpsert(p.unfolded[0]!, p.events) : undefined;
  if (single !== undefined) return single;
  for (const event of p.unfolded) applyEvent(p.events, event);
  p.unfolded = [];
  return p.snapshot ? mergeStates(p.snapshot.state, p.events) : p.events;
}

/**
 * An event item as `loadFleet` keeps it while it is its partition's only item: its stored text (`e`, and `c` when it
 * has one), parsed when asked.
 */
class EventText {
  private readonly e: Item[string] | undefined;
  private readonly c: Item[string] | undefined;
  /** The item's key, for an error naming a damaged item. */
  private readonly pk: Item[string] | undefined;
  private readonly sk: Item[string] | undefined;
  constructor(item: Item) {
    this.e = item.e;
    this.c = item.c;
    this.pk = item.pk;
    this.sk = item.sk;
  }

  /**
   * The event as `entityItem` reads it: undefined when it is dated after the future cutoff. With `configs`, its
   * configuration members may be shared with other events of the read (`SharedConfigMembers`: only for `settle`).
   */
  event(cutoff: FutureCutoff, configs?: SharedConfigMembers): FleetEvent | undefined {
    const item: Item = {};
    if (this.pk !== undefined) item.pk = this.pk;
    if (this.sk !== undefined) item.sk = this.sk;
    if (this.e !== undefined) item.e = this.e;
    if (this.c !== undefined) item.c = this.c;
    const event = joinEvent(item, configs);
    return cutoff.admits(event.time) ? event : undefined;
  }
}

/** `pk`'s partition in `loadFleet`'s read, made from the event text held for it (if any) when a second item comes. */
function partitionRead(
  read: Map<string, FleetReadEntry>,
  pk: string,
  held: EventText | undefined,
  cutoff: FutureCutoff,
): EntityPartition {
  const entity = parseEntityPk(pk)!;
  const part: EntityPartition = { events: emptyState(entity.kind, entity.id), unfolded: [], uncovered: [] };
  const event = held?.event(cutoff);
  if (event !== undefined) part.unfolded.push(event);
  read.set(pk, part);
  return part;
}

/** What one `loadFleet` shares between the entities it makes: equal values of the fleet, parsed `c` texts. */
interface FleetShared {
  values: SharedValues;
  configs: SharedConfigMembers;
}

function fleetShared(): FleetShared {
  const values = new SharedValues();
  return { values, configs: new SharedConfigMembers(values) };
}

/** A partition `loadFleet` has made its entity of: no item of it may come after (`loadFleet`). */
class Settled {
  constructor(readonly entity: EntityState | MaterialisedSingle) {}
}

/** What `loadFleet` holds of a partition: its lone event as text, the entity made of it, or the partition read. */
type FleetReadEntry = EventText | Settled | EntityPartition;

/** An item of a partition that is not (or no longer) a lone event held as text: the fold's partition takes it. */
function takeItem(
  read: Map<string, FleetReadEntry>,
  pk: string,
  held: EventText | EntityPartition | undefined,
  item: Item,
  sk: string,
  cutoff: FutureCutoff,
): void {
  const part = held instanceof EventText || held === undefined ? partitionRead(read, pk, held, cutoff) : held;
  const taken = entityItem(item, sk, cutoff);
  if (taken instanceof StoredSnapshot) takeSnapshot(part, taken.item, cutoff, false);
  else if (taken !== undefined) part.unfolded.push(taken);
}

/**
 * The entity of a partition whose one item is the event held as `text`, as `materialisePartitions` makes it: the
 * upsert materialised at once (`MaterialisedSingle`) or the fold of the event (nothing when it is dated after the
 * future cutoff).
 */
function settle(
  pk: string,
  text: EventText,
  cutoff: FutureCutoff,
  shared: FleetShared,
): EntityState | MaterialisedSingle {
  // Neither materialiseSingle nor applyEvent keeps the members SharedConfigMembers hands out again.
  const event = text.event(cutoff, shared.configs);
  const entity = parseEntityPk(pk)!;
  const single = event === undefined ? undefined : ownUpsert(event, entity);
  const ready = single === undefined ? undefined : materialiseSingle(single, shared.values);
  if (ready !== undefined) return ready;
  const state = emptyState(entity.kind, entity.id);
  if (event !== undefined) applyEvent(state, event);
  return state;
}

/** `loadFleet`'s entries as `materialiseFleet` takes them, in the Scan's order of their partitions. */
function fleetEntities(
  read: ReadonlyMap<string, FleetReadEntry>,
  cutoff: FutureCutoff,
  shared: FleetShared,
): (EntityState | SingleUpsert | MaterialisedSingle)[] {
  const entities: (EntityState | SingleUpsert | MaterialisedSingle)[] = [];
  for (const [pk, held] of read) {
    if (held instanceof Settled) entities.push(held.entity);
    else if (held instanceof EventText) entities.push(settle(pk, held, cutoff, shared));
    else entities.push(materialisedPartition(held));
  }
  return entities;
}

/** Whole inventory snapshots by scope key, from the scope partitions of a full read. */
function inventoriesOf(partitions: ReadonlyMap<string, EntityPartition>): Map<string, WholeInventory[]> {
  const out = new Map<string, WholeInventory[]>();
  for (const part of partitions.values()) {
    if (part.events.kind !== 'scope') continue;
    out.set(
      part.events.id,
      wholeInventories(part.snapshot ? mergeStates(part.snapshot.state, part.events) : part.events),
    );
  }
  return out;
}

function sameStamps(a: EntityState['absentFrom'], b: EntityState['absentFrom']): boolean {
  const ea = Object.entries(a ?? {});
  return (
    ea.length === Object.keys(b ?? {}).length && ea.every(([k, s]) => b?.[k]?.id === s.id && b[k]!.time === s.time)
  );
}

/** One partition as a shard's compaction reads it. */
interface PartitionFold {
  state: EntityState;
  history: FleetEvent[];
  /** Events the stored snapshot does not hold yet. */
  uncovered: number;
  stored?: EntityState;
  placement?: IndexPlacement & { indexed: boolean };
}

interface EntityPartition {
  snapshot?: { state: EntityState; version: number; coveredUntilMs: number };
  /** Where the stored snapshot sits in the cluster index. */
  placement?: IndexPlacement & { indexed: boolean };
  /** Fold of the partition's event items. */
  events: EntityState;
  /** Event items read and not folded into `events` yet (a fold without `fold`: the caller folds them). */
  unfolded: FleetEvent[];
  /** Stored-at times of events the snapshot does not hold yet. */
  uncovered: number[];
}

/**
 * A read's future cutoff, and whether it left anything out: a fleet read so stays the stored fleet's state at any later
 * cutoff only when nothing was (the local fleet cache keeps only such a fleet).
 */
class FutureCutoff {
  leftOut = false;
  constructor(readonly ms: number) {}

  /** Whether an item dated `time` is state at this cutoff (an unreadable time is, as before). */
  admits(time: string): boolean {
    if (!(Date.parse(time) > this.ms)) return true;
    this.leftOut = true;
    return false;
  }
}

/** A snapshot item as a full read takes it: told apart from an event by its class (parsed JSON is never one). */
class StoredSnapshot {
  constructor(readonly item: Item) {}
}

/**
 * What a full read takes of an entity partition's item: its snapshot, the event it holds (parsed; one after the
 * future cutoff is left out), or nothing (a member item). Any of them still names its partition.
 */
type EntityItem = StoredSnapshot | FleetEvent | undefined;

function entityItem(item: Item, sk: string, cutoff: FutureCutoff): EntityItem {
  if (sk === SNAPSHOT_SK) return new StoredSnapshot(item);
  if (!sk.startsWith(EVENT_SK_PREFIX)) return undefined;
  const event = readEvent(item);
  return cutoff.admits(event.time) ? event : undefined;
}

/** The partition `pk` names (an entity's: the caller checked it with `parseEntityPk`), created empty when new. */
function partitionOf(partitions: Map<string, EntityPartition>, pk: string): EntityPartition {
  return getOrCreate(partitions, pk, () => {
    const entity = parseEntityPk(pk)!;
    return { events: emptyState(entity.kind, entity.id), unfolded: [], uncovered: [] };
  });
}

function takeSnapshot(part: EntityPartition, item: Item, cutoff: FutureCutoff, readsPlacement: boolean): void {
  const snapshot = readSnapshot(item);
  const kept = withoutStampsAfter(snapshot.state, cutoff.ms);
  if (kept.changed) cutoff.leftOut = true;
  part.snapshot = { ...snapshot, state: kept.state };
  // A read without the placement's attributes leaves it undefined (only compaction compares placements).
  if (readsPlacement) part.placement = readPlacement(item);
}
