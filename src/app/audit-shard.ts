import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { CompiledRules } from '../engine/compile';
import { evaluateShard } from '../engine/sharded-audit';
import { RUN_FILE_LIMITS, RunId, runKeys } from '../model/run-files';
import type { SimulationResult } from '../simulation/result';
import { getJson, putJson } from '../store/s3-json';
import { readState, STATE } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import type { FleetSlice, ShardEvaluation } from '../engine/sharded-audit';
import { auditPartFile, readAuditSlice } from './audit-shard-files';
import { lifecycleStageFile, lifecycleStageKey, type PartLifecycle } from './lifecycle-stage-files';
import { canStageLifecycle, stageShardLifecycle } from './shard-lifecycle';
import { storedForm } from './simulate';
import { findingsAfterStage, recordingReads } from './shard-report-findings';
import { writeReportFragment, type FragmentFigures } from './report-fragments';
import { RunProfile } from './workflow-input';

/** The Distributed Map item after its simulation: the run and the shard to audit. */
export const AuditShardInput = z.object({ runId: RunId, clusterId: z.string().min(1).max(512), profile: RunProfile });
export type AuditShardInput = z.infer<typeof AuditShardInput>;

export interface AuditShardDeps {
  s3: S3Client;
  bucket: string;
  /** Compiled once per container: the rule pack ships with the function. */
  rules: CompiledRules;
  /**
   * The table, read (never written) for the findings of the shard's own resources, so the shard runs their lifecycle
   * and stages the changes for the finish step (shard-lifecycle.ts). Without it the finish step runs the lifecycle.
   */
  store?: FleetStore;
}

export interface AuditShardOutput {
  clusterId: string;
  partKey: string;
  hosts: number;
  vms: number;
  hits: number;
  /** Findings the shard staged to write (items and page sets), when it ran its lifecycle. */
  staged?: { changed: number; pageSets: number; reads: number };
  /** The report fragment the shard wrote with its stage (report-fragments.ts): objects, bytes, findings.csv rows. */
  report?: FragmentFigures;
}

/**
 * Audits one shard of the fleet from its slice file, with the simulation figures its cluster's shard just
 * wrote (a host's figures are the same merged or not), and writes the hits, coverage and perimeter counts for
 * the finish step to merge. With the table (`deps.store`, read only) it also runs the findings' lifecycle of its own
 * resources and stages the changes beside its part (shard-lifecycle.ts); it never writes the table.
 */
export async function auditShard(input: AuditShardInput, deps: AuditShardDeps): Promise<AuditShardOutput> {
  const sliceKey = runKeys.auditSlice(input.runId, input.clusterId);
  const { slice, auditedAt, simulated } = readAuditSlice(
    await getJson(deps.s3, deps.bucket, sliceKey, RUN_FILE_LIMITS.auditSlice),
    sliceKey,
  );
  if (slice.shard !== input.clusterId)
    throw new Error(`${sliceKey} holds shard ${slice.shard}, not ${input.clusterId}`);
  // The stored form is what the whole-fleet audit reads back from the table (storeClusterSimulations).
  // Hosts and the availability figures (cluster restart capacity, VM downtime, lost replica sets) alike.
  const simulation = simulated
    ? storedForm(
        (await getJson(
          deps.s3,
          deps.bucket,
          runKeys.simulation(input.runId, input.clusterId),
          RUN_FILE_LIMITS.simulation,
        )) as SimulationResult,
      )
    : undefined;
  const evaluation = evaluateShard(deps.rules, slice, simulation, auditedAt);
  const partKey = runKeys.auditPart(input.runId, input.clusterId);
  // The host tiles' simulation scores, as the report's simulation view reads them from the stored form.
  const scores = new Map<string, number>();
  for (const [id, h] of Object.entries(simulation?.hosts ?? {}))
    if (typeof h.score === 'number') scores.set(id, h.score);
  const staged = await stageLifecycle(input, slice, evaluation, auditedAt, scores, deps);
  await putJson(deps.s3, deps.bucket, partKey, auditPartFile(evaluation, slice, staged?.part));
  return {
    clusterId: input.clusterId,
    partKey,
    hosts: evaluation.hosts,
    vms: evaluation.vms,
    hits: evaluation.hits.length,
    ...(staged !== undefined && { staged: staged.figures, report: staged.report }),
  };
}

/**
 * Runs the shard's lifecycle and writes its stage file and its report fragment (the findings as the commit will leave
 * them); undefined when the finish step is to run the lifecycle (and the report reads the table).
 */
async function stageLifecycle(
  input: AuditShardInput,
  slice: FleetSlice,
  evaluation: ShardEvaluation,
  auditedAt: string,
  simulationScores: ReadonlyMap<string, number>,
  deps: AuditShardDeps,
): Promise<
  { part: PartLifecycle; figures: NonNullable<AuditShardOutput['staged']>; report: FragmentFigures } | undefined
> {
  const store = deps.store;
  if (!canStageLifecycle(store)) return undefined;
  const profile = input.profile;
  const [legacy, waivers] = await Promise.all([
    store.legacyUnverifiedProfiles?.() ?? Promise.resolve([]),
    readState(store, STATE.auditWaivers),
  ]);
  // An older table's per-rule pages are read (and regrouped) only by a read of every finding: the finish step's.
  if (legacy.includes(profile)) return undefined;
  const hostIds = [...slice.hostIds].sort();
  const { store: reading, read } = recordingReads(store);
  const staged = await stageShardLifecycle(reading, {
    shard: slice.shard,
    hostIds,
    vmIds: [...slice.vmIds].sort(),
    hits: evaluation.hits,
    rules: deps.rules.rules,
    profile,
    waivers: waivers ?? [],
    auditedAt,
    snapshotEvidence: slice.fleet.snapshotEvidence,
    paged: store.replaceUnverified !== undefined,
  });
  if (staged === undefined) return undefined;
  const key = lifecycleStageKey(input.runId, input.clusterId);
  const findings = findingsAfterStage(read, staged, slice, profile, auditedAt);
  const [, report] = await Promise.all([
    putJson(deps.s3, deps.bucket, key, lifecycleStageFile(staged)),
    writeReportFragment(deps.s3, deps.bucket, {
      runId: input.runId,
      shard: slice.shard,
      findings,
      fleet: slice.fleet,
      hostIds,
      vmCount: slice.vmIds.size,
      simulationScores,
      auditedAt,
    }),
  ]);
  const { current, foreign, newer, reads } = staged;
  return {
    report,
    part: { key, current, foreign, newer, reads },
    figures: {
      changed: staged.created.length + staged.updated.length,
      pageSets: staged.pageSets.length,
      reads: reads.resources + reads.groups,
    },
  };
}
