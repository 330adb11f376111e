import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { fleetSlices, UNCLUSTERED_SHARD, type FleetSlice } from '../engine/sharded-audit';
import { emptyFleet, materialiseFleet, type Fleet } from '../model/fleet';
import type { EntityState } from '../model/entity-state';
import { clusterWork, RunId, runKeys } from '../model/run-files';
import { replayHistory } from '../simulation/replay';
import type { PlacementTimeline } from '../simulation/placement';
import { putJson } from '../store/s3-json';
import type { FleetStore, ShardedFleetReads, ShardRead } from '../store/types';
import { auditSliceFile } from './audit-shard-files';
import { clusterFleet, listClusters, withExpiredHistory } from './simulate';
import { summariseCompaction } from './start-run';
import type { Logger } from '../model/ports/logger';

const Window = z.object({
  start: z.iso.datetime({ offset: true }),
  steps: z.number().int().positive(),
  stepSeconds: z.number().int().positive(),
});

/** The Distributed Map item before its simulation: the shard, and the window and audit time the start step chose. */
export const PrepareShardInput = z.object({
  runId: RunId,
  clusterId: z.string().min(1).max(512),
  window: Window,
  auditedAt: z.iso.datetime({ offset: true }),
});
export type PrepareShardInput = z.infer<typeof PrepareShardInput>;

export interface PrepareShardDeps {
  store: FleetStore & ShardedFleetReads;
  s3: S3Client;
  bucket: string;
  logger: Logger;
}

export interface PrepareShardOutput {
  clusterId: string;
  /** Whether the shard has hosts, so a simulation (the Map's next task) has something to simulate. */
  simulate: boolean;
  hosts: number;
  vms: number;
  /** Events of the shard replayed over the window. */
  events: number;
  /** Entities this compaction placed in another shard: audited there from the next run (docs/deploy.md). */
  movedOut: number;
  compaction: { entities: number; snapshotsWritten: number; oversized?: number; failed?: number };
}

/**
 * The first task of each Distributed Map item: compacts the shard's entities (docs/deploy.md, "Compaction in the
 * daily run"), replays the shard's history over the run's window, and writes the shard's simulation work file and
 * audit slice. Reads one shard, the perimeters, and the few hosts outside it that its VMs name (their host now,
 * hosts they migrated from or to), never the whole table.
 */
export async function prepareShard(input: PrepareShardInput, deps: PrepareShardDeps): Promise<PrepareShardOutput> {
  const unclustered = input.clusterId === UNCLUSTERED_SHARD;
  const read = await deps.store.compactShard(unclustered ? {} : { cluster: input.clusterId });
  const compaction = summariseCompaction(read.compaction, deps.logger);
  if (read.movedOut.length > 0)
    deps.logger.warn('shard.moved-out', {
      shard: input.clusterId,
      count: read.movedOut.length,
      entities: read.movedOut.slice(0, 50),
    });
  const { fleet, placement } = await shardFleet(read, input.window, deps.store);
  const slice = fleetSlices(fleet).find((s) => s.shard === input.clusterId) ?? emptySlice(input.clusterId, fleet);
  const simulate = listClusters(fleet).includes(input.clusterId) && slice.hostIds.size > 0;
  await Promise.all([
    simulate &&
      putJson(
        deps.s3,
        deps.bucket,
        runKeys.clusterWork(input.runId, input.clusterId),
        clusterWork(input.clusterId, clusterFleet(fleet, input.clusterId, { placement }), placement, input.window),
      ),
    putJson(
      deps.s3,
      deps.bucket,
      runKeys.auditSlice(input.runId, input.clusterId),
      auditSliceFile(slice, input.auditedAt, simulate),
    ),
  ]);
  const out: PrepareShardOutput = {
    clusterId: input.clusterId,
    simulate,
    hosts: slice.hostIds.size,
    vms: slice.vmIds.size,
    events: read.history.length,
    movedOut: read.movedOut.length,
    compaction,
  };
  deps.logger.info('shard prepared', { ...out });
  return out;
}

/**
 * The shard's fleet and placement over the window, as the whole-fleet replay gives them for its entities: the
 * stored states (with the perimeters and the outside hosts its VMs name), overlaid with the replay of their history.
 */
async function shardFleet(
  read: ShardRead,
  window: PrepareShardInput['window'],
  store: FleetStore & ShardedFleetReads,
): Promise<{ fleet: Fleet; placement: PlacementTimeline | undefined }> {
  // `context` holds the clone ancestors a clone inherits its perimeter from, read by the compaction's placement.
  const states: EntityState[] = [...read.states, ...read.context, ...(await store.readPerimeters())];
  let stored = materialiseFleet(states);
  const outside = new Set<string>();
  for (const vm of stored.vms.values())
    for (const id of [vm.hostId, ...vm.movements.flatMap((m) => [m.fromHostId, m.toHostId])])
      if (id !== undefined && id !== null && !stored.hosts.has(id)) outside.add(id);
  if (outside.size > 0) {
    const hosts = await store.readEntities([...outside].sort().map((id) => ({ kind: 'host' as const, id })));
    stored = materialiseFleet([...states, ...hosts]);
  }
  if (read.history.length === 0) return { fleet: stored, placement: undefined };
  const replay = replayHistory(read.history, {
    steps: window.steps,
    stepSeconds: window.stepSeconds,
    startMs: Date.parse(window.start),
  });
  return withExpiredHistory(replay, stored, read.history);
}

function emptySlice(shard: string, fleet: Fleet): FleetSlice {
  const part = emptyFleet();
  part.perimeters = fleet.perimeters;
  return { shard, fleet: part, hostIds: new Set(), vmIds: new Set() };
}
