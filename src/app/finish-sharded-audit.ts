import type { S3Client } from '@aws-sdk/client-s3';
import { CompiledRules } from '../engine/compile';
import { evaluateFleetLevel, mergeEvaluations, UNCLUSTERED_SHARD } from '../engine/sharded-audit';
import { materialiseFleet, type Fleet, type SnapshotEvidence } from '../model/fleet';
import type { LoadedRule, Profile } from '../engine/types';
import type { Finding, ResourceType } from '../model/finding';
import { readClusterList, RUN_FILE_LIMITS, runKeys } from '../model/run-files';
import { getJson } from '../store/s3-json';
import { hasIndexedReads, type FleetStore } from '../store/types';
import { readAuditPart, type AuditPart } from './audit-shard-files';
import { newestUpdate } from './audit-stamp';
import { readAuditBaseline, recordAudit, type FleetDigest } from './record-audit';
import { forEachLimit } from '../store/batch';
import { readState, STATE } from '../store/state-keys';
import { perimeterLifecycle } from './perimeter-lifecycle';
import { departedCandidates, readJudged, removedOf, resolveRemovedItems, writeJudged } from './departed-resources';
import { commitStagedLifecycle, type CommitFigures } from './commit-staged-lifecycle';
import { recordStagedAudit, type StagedAuditResult } from './record-staged-audit';
import { canStageLifecycle, changedSince, resourceKey, type CurrentFinding } from './shard-lifecycle';

export interface ShardedAuditDeps {
  store: FleetStore;
  s3: S3Client;
  bucket: string;
  rules: readonly LoadedRule[];
}

/** Part files read at once: enough to hide S3 latency, few enough that a 500-shard run stays within memory. */
const READS_IN_FLIGHT = 32;

async function readParts(runId: string, deps: ShardedAuditDeps): Promise<AuditPart[]> {
  const listKey = runKeys.clusterList(runId);
  const items = readClusterList(await getJson(deps.s3, deps.bucket, listKey, RUN_FILE_LIMITS.clusterList), listKey);
  const rulesById = new Map(deps.rules.map((r) => [r.id, r]));
  const parts: AuditPart[] = new Array(items.length);
  await forEachLimit(
    items.map((item, i) => [item.clusterId, i] as const),
    READS_IN_FLIGHT,
    async ([clusterId, i]) => {
      const key = runKeys.auditPart(runId, clusterId);
      // Every listed shard must have reported: merging without one would resolve all of its findings.
      const part = readAuditPart(
        await getJson(deps.s3, deps.bucket, key, RUN_FILE_LIMITS.auditPart).catch((e: unknown) => {
          throw new Error(`audit shard ${JSON.stringify(clusterId)} has no result at ${key}: ${(e as Error).message}`);
        }),
        key,
        rulesById,
      );
      if (part.shard !== clusterId) throw new Error(`${key} holds shard ${part.shard}, not ${clusterId}`);
      parts[i] = part;
    },
  );
  return parts;
}

/**
 * The perimeters the fleet-level rules judge: one Query of the cluster index's perimeter partition where the table
 * has the index; a store without it (the memory store, a table before its first compaction) is read whole.
 */
async function readFleetPerimeters(store: FleetStore): Promise<Fleet['perimeters']> {
  if (hasIndexedReads(store) && (await store.clusterIndexReady()))
    return materialiseFleet(await store.readPerimeters()).perimeters;
  return (await store.loadFleet()).perimeters;
}

/** The fleet's counts, newest event and snapshot evidence, summed from the parts: every host and VM is in one shard. */
function digestOfParts(parts: readonly AuditPart[], perimeters: Fleet['perimeters']): FleetDigest {
  let hosts = 0;
  let vms = 0;
  const snapshotEvidence = new Map<string, SnapshotEvidence>();
  for (const p of parts) {
    hosts += p.hostIds.length;
    vms += p.vmIds.length;
    for (const [key, e] of p.snapshotEvidence) snapshotEvidence.set(key, e);
  }
  const newest = newestUpdate(
    // A materialised entity carries the time of its last event (materialiseFleet), as fleetMark reads it.
    perimeters.values() as Iterable<{ updatedAt?: string }>,
    newestUpdate(parts.map((p) => ({ ...(p.newestEventAt !== undefined && { updatedAt: p.newestEventAt }) }))),
  );
  return {
    mark: { hosts, vms, perimeters: perimeters.size, ...(newest !== undefined && { newestEventAt: newest }) },
    snapshotEvidence,
  };
}

/** Hosts and VMs the last run judged and no shard judged now: how many, how many were removed, findings resolved. */
export interface DepartedFigures {
  candidates: number;
  removed: number;
  resolved: number;
}

/** Resource Queries in flight at once for the removed resources' findings. */
const REMOVED_QUERIES_IN_FLIGHT = 16;

/** Every host and VM a shard judged this run (`host#<id>` / `vm#<id>`), and its shard. */
function judgedByShard(parts: readonly AuditPart[]): Map<string, string> {
  const judged = new Map<string, string>();
  for (const p of parts) {
    for (const id of p.hostIds) judged.set(resourceKey('host', id), p.shard);
    for (const id of p.vmIds) judged.set(resourceKey('vm', id), p.shard);
  }
  return judged;
}

/**
 * What the next run compares with: this run's judged resources, and those it did not judge yet that are still live
 * or changed after the audit time (their findings were left as stored).
 */
function nextJudged(
  judged: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string>,
  resolved: ReadonlySet<string>,
): Map<string, string> {
  const next = new Map(judged);
  for (const [key, shard] of previous) if (!next.has(key) && !resolved.has(key)) next.set(key, shard);
  return next;
}

/**
 * The finish step's result: the run's summary, compliance and stamp; when the shards staged, the commit's figures and
 * what the report assembles beside the shards' fragments (report-fragments.ts): the shards in the cluster list's
 * order, the perimeters' findings after their lifecycle, and the fleet's perimeter count.
 */
export type FinishedAudit = StagedAuditResult & {
  staged?: CommitFigures;
  departed?: DepartedFigures;
  shards?: { ids: string[]; perimeterFindings: Finding[]; perimeters: number; current: number };
};

/**
 * The finish step's half of the sharded full audit: merges the shards' evaluations with the fleet-level
 * (perimeter) rules run on their summed counts, then records findings, compliance and the run record as a
 * whole-fleet audit does, from the parts' digest rather than the fleet (it never calls `loadFleet` on a table with
 * the cluster index). test/functions/sharded-workflow.test.ts checks the result equals the whole-fleet audit's
 * through the state machine.
 *
 * When every shard ran the lifecycle of its own resources' findings and staged the changes (shard-lifecycle.ts), the
 * finish step runs the perimeters' lifecycle, commits the staged changes (commit-staged-lifecycle.ts) and builds the
 * compliance and run record from the shards' counts: it never reads every finding. Otherwise (a store without
 * reads by resource, an older table's per-rule pages) it runs the lifecycle on every stored finding, as before.
 *
 * The shards judged the fleet as the start step read it, at `auditedAt`. Whatever changed since is not
 * overwritten with that older view: a live resource no shard evaluated (it arrived during the run) keeps its
 * findings, and so does one whose stored findings an incremental evaluation changed after `auditedAt`. A host or VM
 * no longer in the fleet has its findings resolved (departed-resources.ts), as the whole-fleet audit resolves them.
 */
export async function finishShardedAudit(
  run: { runId: string; auditedAt: string; profile: Profile },
  deps: ShardedAuditDeps,
): Promise<FinishedAudit> {
  const { runId, auditedAt, profile } = run;
  const [parts, perimeters, judgedBefore] = await Promise.all([
    readParts(runId, deps),
    readFleetPerimeters(deps.store),
    readJudged(deps.s3, deps.bucket),
  ]);
  const judged = judgedByShard(parts);
  const compiled = new CompiledRules(deps.rules);
  const fleetLevel = evaluateFleetLevel(compiled, perimeters, parts);
  const merged = mergeEvaluations([...parts, fleetLevel]);
  const store = deps.store;
  // A shard is a cluster, or the unclustered resources; only clusters with hosts count (as a whole fleet counts).
  const clusters = parts.filter((p) => p.shard !== UNCLUSTERED_SHARD && p.hostIds.length > 0).length;
  const fleet = digestOfParts(parts, perimeters);
  const ruleIds = new Set(deps.rules.map((r) => r.id));
  if (canStageLifecycle(store) && parts.every((p) => p.lifecycle !== undefined)) {
    const candidates = departedCandidates(
      judged,
      judgedBefore,
      parts.flatMap((p) => p.lifecycle!.foreign),
    );
    const [waivers, removed] = await Promise.all([
      readState(store, STATE.auditWaivers).then((w) => w ?? []),
      removedOf(store, candidates),
    ]);
    const items = await resolveRemovedItems(store, {
      removed,
      profile,
      ruleIds,
      auditedAt,
      inFlight: REMOVED_QUERIES_IN_FLIGHT,
    });
    // A removed resource an incremental evaluation changed since the audit time keeps what it stored.
    for (const key of items.newer) removed.keys.delete(key);
    const perimeterFindings = await perimeterLifecycle(store, {
      perimeters,
      fleetLevel,
      rules: deps.rules,
      profile,
      auditedAt,
      waivers,
    });
    const staged = await commitStagedLifecycle({
      store,
      s3: deps.s3,
      bucket: deps.bucket,
      parts,
      profile,
      auditedAt,
      removed,
    });
    function* current(): Iterable<CurrentFinding> {
      for (const p of parts) yield* p.lifecycle!.current;
      for (const f of perimeterFindings) yield [f.ruleId, f.resourceType, f.resourceId, f.status, f.severity];
    }
    const result = await recordStagedAudit(store, {
      fleet,
      evaluation: merged,
      current: current(),
      rules: deps.rules,
      profile,
      now: auditedAt,
      clusters,
    });
    await writeJudged(deps.s3, deps.bucket, auditedAt, nextJudged(judged, judgedBefore, removed.keys));
    const departed = {
      candidates: candidates.length,
      removed: removed.keys.size,
      resolved: items.resolved + staged.resolvedRemoved,
    };
    return {
      ...result,
      staged,
      departed,
      shards: {
        ids: parts.map((p) => p.shard),
        perimeterFindings,
        perimeters: perimeters.size,
        current: parts.reduce((n, p) => n + p.lifecycle!.current.length, perimeterFindings.length),
      },
    };
  }

  const baseline = await readAuditBaseline(store);
  const clustersJudged = new Set(parts.map((p) => p.shard));
  // This path reads every finding: the hosts and VMs with a current finding that no shard judged are the candidates.
  const candidates = new Set<string>();
  for (const f of baseline.previous)
    if (f.status !== 'resolved' && (f.resourceType === 'host' || f.resourceType === 'vm')) {
      const key = resourceKey(f.resourceType, f.resourceId);
      if (!judged.has(key)) candidates.add(key);
    }
  const removed = await removedOf(store, candidates);
  for (const [key, cites] of removed.evidence) fleet.snapshotEvidence?.set(key, cites);
  const newer = changedSince(baseline.previous, auditedAt);
  const evaluated = (type: ResourceType, id: string) => {
    const key = resourceKey(type, id);
    const judgedNow =
      type === 'perimeter' || (type === 'cluster' ? clustersJudged.has(id) : judged.has(key) || removed.keys.has(key));
    return judgedNow && !newer.has(key);
  };

  const { result } = await recordAudit(store, {
    fleet,
    evaluation: { ...merged, hits: merged.hits.filter((h) => evaluated(h.resourceType, h.resourceId)) },
    baseline,
    rules: deps.rules,
    profile,
    now: auditedAt,
    evaluated,
    clusters,
  });
  await writeJudged(deps.s3, deps.bucket, auditedAt, nextJudged(judged, judgedBefore, removed.keys));
  return result;
}
