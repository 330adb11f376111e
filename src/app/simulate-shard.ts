import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { loadTraceDirectory, simulateCluster } from './simulate';
import type { Fleet } from '../model/fleet';
import { readClusterWork, RUN_FILE_LIMITS, RunId, runKeys } from '../model/run-files';
import { getJson, putJson } from '../store/s3-json';

/** The Distributed Map item: the audit step's run id and one entry of its cluster list. */
export const ShardInput = z.object({ runId: RunId, clusterId: z.string().min(1).max(512) });
export type ShardInput = z.infer<typeof ShardInput>;

export interface ShardDeps {
  s3: S3Client;
  bucket: string;
  /** Folder of PlanetLab-format traces VMs may name in workload.trace; only the ones named are read. */
  tracesDir?: string;
}

function referencedTraces(fleet: Fleet): string[] {
  const names = new Set<string>();
  for (const vm of fleet.vms.values()) if (vm.workload?.trace !== undefined) names.add(vm.workload.trace);
  return [...names].sort();
}

export interface ShardOutput {
  clusterId: string;
  resultKey: string;
  hosts: number;
  vms: number;
}

/** Simulates one cluster from its work file and writes the full result next to it; returns only a pointer. */
export async function simulateShard(input: ShardInput, deps: ShardDeps): Promise<ShardOutput> {
  const workKey = runKeys.clusterWork(input.runId, input.clusterId);
  const { work, fleet, placement } = readClusterWork(
    await getJson(deps.s3, deps.bucket, workKey, RUN_FILE_LIMITS.clusterWork),
    workKey,
  );
  if (work.clusterId !== input.clusterId)
    throw new Error(`${workKey} holds cluster ${work.clusterId}, not ${input.clusterId}`);
  const names = referencedTraces(fleet);
  const traces =
    names.length > 0 && deps.tracesDir !== undefined ? await loadTraceDirectory(deps.tracesDir, names) : undefined;
  const result = simulateCluster(fleet, input.clusterId, { placement, ...work.window, ...(traces && { traces }) });
  const resultKey = runKeys.simulation(input.runId, input.clusterId);
  await putJson(deps.s3, deps.bucket, resultKey, result);
  return {
    clusterId: input.clusterId,
    resultKey,
    hosts: Object.keys(result.hosts).length,
    vms: Object.keys(result.vms).length,
  };
}
