import type { S3Client } from '@aws-sdk/client-s3';
import { fleetSlices } from '../engine/sharded-audit';
import { ingestOutcomes } from './ingest';
import { readSources } from '../sources/read-sources';
import { clusterFleet, listClusters, replayStored } from './simulate';
import { DEFAULT_STEP_SECONDS, DEFAULT_STEPS } from '../simulation/simulate-fleet';
import type { CompactionResult, FleetStore } from '../store/types';
import type { Logger } from '../model/ports/logger';
import { clusterWork, runKeys, type ClusterItem } from '../model/run-files';
import { putJson } from '../store/s3-json';
import type { RunInput } from './workflow-input';
import { auditSliceFile } from './audit-shard-files';
import type { Ports } from './ports';

/** Compaction problems go to `logger` (the Lambda's Powertools logger); `clock` gives the run's audit time. */
export interface AuditStepDeps extends Ports<'store' | 'clock' | 'logger'> {
  s3: S3Client;
  bucket: string;
  /** Perimeter definitions shipped with the deployment (canonical perimeter.upsert events, JSON or NDJSON). */
  perimetersFile?: string;
}

export interface AuditStepOutput {
  runId: string;
  /** Key of the shard list the Distributed Map reads (one item per cluster, `(no cluster)` included). */
  clustersKey: string;
  /** Clusters to simulate (the shards with hosts). */
  clusters: number;
  /** Shards to audit. */
  shards: number;
  /** The time every shard evaluates at and the findings' lifecycle records. */
  auditedAt: string;
  window: { start: string; steps: number; stepSeconds: number };
  hosts: number;
  vms: number;
  /**
   * Snapshots refreshed before the audit (stores whose events expire). `oversized` and `failed` count the
   * entities left without a fresh snapshot (present only when some were; the log names them).
   */
  compaction?: { entities: number; snapshotsWritten: number; oversized?: number; failed?: number };
}

/**
 * First step of a run: the stored fleet split per cluster into the simulation's work files and the audit's
 * slices, and the list of shards the Distributed Map fans out over. History is replayed once here, so shards
 * get their cluster's placement over the window without each reading the whole table. The audit itself runs
 * in the shards (audit-shard.ts), with this cluster's fresh simulation figures, and is merged by the finish step. It starts with the store's compaction: the daily run is what keeps every event
 * in a snapshot before its TTL (docs/deploy.md, "Compaction in the daily run").
 */
export async function auditStep(input: RunInput, deps: AuditStepDeps): Promise<AuditStepOutput> {
  // First, so the run also keeps state safe when a later step fails: events expire by TTL, snapshots do not.
  const compaction =
    deps.store.compact !== undefined ? summariseCompaction(await deps.store.compact(), deps.logger) : undefined;
  if (deps.perimetersFile !== undefined) await applyPerimeters(deps.store, deps.perimetersFile);
  const steps = DEFAULT_STEPS;
  const stepSeconds = DEFAULT_STEP_SECONDS;
  const { fleet, placement, start: replayStart } = await replayStored(deps.store, { steps, stepSeconds });
  const now = deps.clock.now();
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
  }));
  const clustersKey = runKeys.clusterList(input.runId);
  await putJson(deps.s3, deps.bucket, clustersKey, items);

  return {
    runId: input.runId,
    clustersKey,
    clusters: clusters.length,
    shards: slices.length,
    auditedAt,
    window,
    hosts: fleet.hosts.size,
    vms: fleet.vms.size,
    ...(compaction !== undefined && { compaction }),
  };
}

/** Entities named in one log line at most; the counts say how many there were. */
const LOGGED_ENTITIES = 50;

/**
 * An entity compaction could not snapshot does not fail the run: the others were compacted and its events
 * still hold its state. It is logged, so an operator sees it well before those events' TTL.
 */
function summariseCompaction(result: CompactionResult, log: Logger): NonNullable<AuditStepOutput['compaction']> {
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
async function applyPerimeters(store: FleetStore, file: string): Promise<void> {
  const report = await ingestOutcomes(store, readSources([file]));
  const first = report.rejected[0];
  if (first !== undefined) {
    const where = [first.file, first.record, first.field].filter((x) => x !== undefined).join(', ');
    throw new Error(`perimeters file: ${report.rejectedCount} record(s) rejected; first at ${where}: ${first.reason}`);
  }
}
