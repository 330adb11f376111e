import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { CompiledRules } from '../engine/compile';
import { evaluateShard } from '../engine/sharded-audit';
import { RunId, runKeys } from '../model/run-files';
import type { SimulationResult } from '../simulation/result';
import { getJson, putJson } from '../store/s3-json';
import { auditPartFile, readAuditSlice } from './audit-shard-files';
import { storedForm } from './simulate';

/** The Distributed Map item after its simulation: the run and the shard to audit. */
export const AuditShardInput = z.object({ runId: RunId, clusterId: z.string().min(1).max(512) });
export type AuditShardInput = z.infer<typeof AuditShardInput>;

export interface AuditShardDeps {
  s3: S3Client;
  bucket: string;
  /** Compiled once per container: the rule pack ships with the function. */
  rules: CompiledRules;
}

export interface AuditShardOutput {
  clusterId: string;
  partKey: string;
  hosts: number;
  vms: number;
  hits: number;
}

/**
 * Audits one shard of the fleet from its slice file, with the simulation figures its cluster's shard just
 * wrote (a host's figures are the same merged or not), and writes the hits, coverage and perimeter counts for
 * the finish step to merge. Reads and writes run files only: no table access.
 */
export async function auditShard(input: AuditShardInput, deps: AuditShardDeps): Promise<AuditShardOutput> {
  const sliceKey = runKeys.auditSlice(input.runId, input.clusterId);
  const { slice, auditedAt, simulated } = readAuditSlice(await getJson(deps.s3, deps.bucket, sliceKey), sliceKey);
  if (slice.shard !== input.clusterId)
    throw new Error(`${sliceKey} holds shard ${slice.shard}, not ${input.clusterId}`);
  // The stored form is what the whole-fleet audit reads back from the table (storeClusterSimulations).
  // Hosts and the availability figures (cluster restart capacity, VM downtime, lost replica sets) alike.
  const simulation = simulated
    ? storedForm(
        (await getJson(deps.s3, deps.bucket, runKeys.simulation(input.runId, input.clusterId))) as SimulationResult,
      )
    : undefined;
  const evaluation = evaluateShard(deps.rules, slice, simulation, auditedAt);
  const partKey = runKeys.auditPart(input.runId, input.clusterId);
  await putJson(deps.s3, deps.bucket, partKey, auditPartFile(evaluation, slice));
  return {
    clusterId: input.clusterId,
    partKey,
    hosts: evaluation.hosts,
    vms: evaluation.vms,
    hits: evaluation.hits.length,
  };
}
