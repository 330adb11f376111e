import type { S3Client } from '@aws-sdk/client-s3';
import { fleetSlices } from '../engine/sharded-audit';
import { ingestOutcomes, type IngestReport } from './ingest';
import { readSources } from '../sources/read-sources';
import { clusterFleet, listClusters, replayStored } from './simulate';
import { DEFAULT_STEP_SECONDS, DEFAULT_STEPS } from '../simulation/simulate-fleet';
import { hasShardedReads, type CompactionResult, type FleetStore, type ShardedFleetReads } from '../store/types';
import { UNCLUSTERED_SHARD } from '../engine/sharded-audit';
import { clusterWork, runKeys, type ClusterItem } from '../model/run-files';
import { putJson } from '../store/s3-json';
import type { RunInput } from './workflow-input';
import { auditSliceFile } from './audit-shard-files';
import type { Ports } from './ports';
import type { Logger } from '../model/ports/logger';
import { DEFAULT_PROFILE } from '../engine/fingerprint';
import type { Profile } from '../engine/types';

/**
 * Compaction problems and the "shards listed" line go to `logger` (the Lambda's Powertools logger); `clock` gives
 * the run's audit time.
 */
export interface AuditStepDeps extends Ports<'store' | 'clock' | 'logger'> {
  s3: S3Client;
  bucket: string;
  /** Perimeter definitions shipped with the deployment (canonical perimeter.upsert events, JSON or NDJSON). */
  perimetersFile?: string;
  /**
   * Whether the workflow prepares each shard in its Map (PrepareCluster: prepare-shard.ts), so this step can hand
   * out the registry's shards without reading the fleet. The state machine's callers set it; a caller that runs the
   * shard steps itself without preparing them gets the whole-table split.
   */
  shardsPrepareThemselves?: boolean;
  /**
   * The rule profile of the deployment's rule pack (default `scg`): the one place a run's profile is settled. The
   * start step's output carries it to every shard (AuditCluster) and to the finish step.
   */
  profile?: Profile;
}

export interface AuditStepOutput {
  runId: string;
  /** Key of the shard list the Distributed Map reads (one item per cluster, `(no cluster)` included). */
  clustersKey: string;
  /**
   * How the shards were found: `shards` from the shard registry (each shard compacts and reads itself, the start
   * step reads no entity), `table` from the whole table read here (a store without the cluster index, or a table
   * whose compaction could not place every entity).
   */
  reads: 'shards' | 'table';
  /** Shards to audit. */
  shards: number;
  /** Clusters to simulate (the shards with hosts); counted here only when the table was read (`reads: 'table'`). */
  clusters?: number;
  /** The time every shard evaluates at and the findings' lifecycle records. */
  auditedAt: string;
  /** The run's rule profile: settled here, once; the shards and the finish step read it from this output. */
  profile: Profile;
  window: { start: string; steps: number; stepSeconds: number };
  /** Fleet size; counted here only when the table was read (the shards' outputs count it otherwise). */
  hosts?: number;
  vms?: number;
  /**
   * Snapshots refreshed before the audit (stores whose events expire). `oversized` and `failed` count the
   * entities left without a fresh snapshot (present only when some were; the log names them).
   */
  compaction?: { entities: number; snapshotsWritten: number; oversized?: number; failed?: number };
}

/**
 * First step of a run. On a table with the cluster index and its shard registry it reads no entity: it stores the
 * deployment's perimeters, lists the shards from the registry (one Query) and writes the shard list; each shard then
 * compacts and replays itself (prepare-shard.ts), is simulated and audited, and the finish step merges them. The
 * first run on a table without them compacts the whole table here once, which builds both (docs/deploy.md,
 * "Compaction in the daily run"); a store without the index (memory) is read whole, as before.
 */
export async function auditStep(input: RunInput, deps: AuditStepDeps): Promise<AuditStepOutput> {
  const out = await startRun(input, deps);
  deps.logger.info('shards listed', {
    reads: out.reads,
    shards: out.shards,
    clusters: out.clusters,
    hosts: out.hosts,
    vms: out.vms,
    compaction: out.compaction,
  });
  return out;
}

async function startRun(input: RunInput, deps: AuditStepDeps): Promise<AuditStepOutput> {
  const store = deps.store;
  const now = deps.clock.now();
  if (deps.shardsPrepareThemselves !== true || !hasShardedReads(store)) return wholeFleetStart(input, deps, now);
  // First, so the run also keeps state safe when a later step fails: events expire by TTL, snapshots do not.
  let built: CompactionResult | undefined;
  if (!(await store.clusterIndexReady()) || !(await store.shardRegistryReady())) {
    built = await store.compact();
    if ((built.failed?.length ?? 0) > 0 || (built.oversized?.length ?? 0) > 0)
      return wholeFleetStart(input, deps, now, built);
  }
  if (deps.perimetersFile !== undefined) {
    const subjects = await applyPerimeters(store, deps.perimetersFile);
    // In the index before any shard reads the perimeters from it.
    if (subjects.length > 0) await store.refreshEntities(subjects);
  }
  return shardedStart(input, store, deps, now, built);
}

/** The default window length: a day of 5-minute steps. */
const STEPS = DEFAULT_STEPS;
const STEP_SECONDS = DEFAULT_STEP_SECONDS;

/** The window whose last step holds `endMs`, as the replay chooses it from its newest event. */
function windowEndingAt(endMs: number): AuditStepOutput['window'] {
  const start = new Date(endMs - (STEPS - 1) * STEP_SECONDS * 1000).toISOString();
  return { start, steps: STEPS, stepSeconds: STEP_SECONDS };
}

async function shardedStart(
  input: RunInput,
  store: FleetStore & ShardedFleetReads,
  deps: AuditStepDeps,
  now: Date,
  built: CompactionResult | undefined,
): Promise<AuditStepOutput> {
  // A daily run simulates the day before it; the first run, which read every event anyway, the window ending at the
  // newest one (as a replay of the whole history does), so a table of past events still has them in its window.
  const window = windowEndingAt(built?.newestEventAt !== undefined ? Date.parse(built.newestEventAt) : now.getTime());
  const shards = (await store.listShards())
    .map((s) => s.cluster ?? UNCLUSTERED_SHARD)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const items: ClusterItem[] = shards.map((clusterId) => ({ clusterId, simulate: true, prepare: true }));
  return startOutput(input, deps, items, {
    reads: 'shards',
    auditedAt: now.toISOString(),
    window,
    ...(built !== undefined && { compaction: summariseCompaction(built, deps.logger) }),
  });
}

/** Writes the shard list the Distributed Map reads, and the step's output naming it. */
async function startOutput(
  input: RunInput,
  deps: AuditStepDeps,
  items: ClusterItem[],
  output: Omit<AuditStepOutput, 'runId' | 'clustersKey' | 'shards' | 'profile'>,
): Promise<AuditStepOutput> {
  const clustersKey = runKeys.clusterList(input.runId);
  await putJson(deps.s3, deps.bucket, clustersKey, items);
  const profile = deps.profile ?? DEFAULT_PROFILE;
  return { runId: input.runId, clustersKey, shards: items.length, profile, ...output };
}

/**
 * The whole fleet read here and split into every shard's work file and slice: for a store without the cluster index,
 * and a table whose compaction could not place every entity (the shards would miss the ones left out).
 */
async function wholeFleetStart(
  input: RunInput,
  deps: AuditStepDeps,
  now: Date,
  built?: CompactionResult,
): Promise<AuditStepOutput> {
  const compacted = built ?? (deps.store.compact !== undefined ? await deps.store.compact() : undefined);
  const compaction = compacted !== undefined ? summariseCompaction(compacted, deps.logger) : undefined;
  if (deps.perimetersFile !== undefined) await applyPerimeters(deps.store, deps.perimetersFile);
  const steps = DEFAULT_STEPS;
  const stepSeconds = DEFAULT_STEP_SECONDS;
  const { fleet, placement, start: replayStart } = await replayStored(deps.store, { steps, stepSeconds });
  const start = replayStart ?? new Date(now.getTime() - steps * stepSeconds * 1000).toISOString();
  const window = { start, steps, stepSeconds };
  const auditedAt = now.toISOString();

  const clusters = listClusters(fleet);
  const simulated = new Set(clusters);
  const slices = fleetSlices(fleet);
  const shardIds = new Set(slices.map((s) => s.shard));
  // Both lists name a host's shard by its cluster (or the same `(no cluster)`): a cluster that is no shard would
  // be simulated and never audited.
  const stray = clusters.find((id) => !shardIds.has(id));
  if (stray !== undefined) throw new Error(`cluster ${JSON.stringify(stray)} has no audit shard`);
  await Promise.all([
    ...clusters.map((id) =>
      putJson(
        deps.s3,
        deps.bucket,
        runKeys.clusterWork(input.runId, id),
        clusterWork(id, clusterFleet(fleet, id, { placement }), placement, window),
      ),
    ),
    ...slices.map((slice) =>
      putJson(
        deps.s3,
        deps.bucket,
        runKeys.auditSlice(input.runId, slice.shard),
        auditSliceFile(slice, auditedAt, simulated.has(slice.shard)),
      ),
    ),
  ]);
  const items: ClusterItem[] = slices.map((slice) => ({
    clusterId: slice.shard,
    simulate: simulated.has(slice.shard),
    prepare: false,
  }));
  return startOutput(input, deps, items, {
    reads: 'table',
    clusters: clusters.length,
    auditedAt,
    window,
    hosts: fleet.hosts.size,
    vms: fleet.vms.size,
    ...(compaction !== undefined && { compaction }),
  });
}

/** Entities named in one log line at most; the counts say how many there were. */
const LOGGED_ENTITIES = 50;

/**
 * An entity compaction could not snapshot does not fail the run: the others were compacted and its events
 * still hold its state. It is logged, so an operator sees it well before those events' TTL.
 */
export function summariseCompaction(result: CompactionResult, log: Logger): NonNullable<AuditStepOutput['compaction']> {
  const { entities, snapshotsWritten, oversized = [], failed = [] } = result;
  if (failed.length > 0)
    log.error('compaction.failed', { count: failed.length, entities: failed.slice(0, LOGGED_ENTITIES) });
  if (oversized.length > 0)
    log.warn('compaction.oversized', { count: oversized.length, entities: oversized.slice(0, LOGGED_ENTITIES) });
  return {
    entities,
    snapshotsWritten,
    ...(oversized.length > 0 && { oversized: oversized.length }),
    ...(failed.length > 0 && { failed: failed.length }),
  };
}

/**
 * Stores the deployment's perimeter definitions before the audit reads them. Their event ids are stable, so
 * every run after the first counts them as duplicates. A bad file is a deployment error: the run stops on it.
 */
async function applyPerimeters(store: FleetStore, file: string): Promise<IngestReport['subjects']> {
  const report = await ingestOutcomes(store, readSources([file]));
  const first = report.rejected[0];
  if (first !== undefined) {
    const where = [first.file, first.record, first.field].filter((x) => x !== undefined).join(', ');
    throw new Error(`perimeters file: ${report.rejectedCount} record(s) rejected; first at ${where}: ${first.reason}`);
  }
  return report.subjects;
}
