import type { S3Client } from '@aws-sdk/client-s3';
import { profileOf } from '../engine/fingerprint';
import { compareTimes } from '../model/event-order';
import { clusterFile, RUN_FILE_LIMITS } from '../model/run-files';
import type { Finding, ResourceType } from '../model/finding';
import { BATCH_GET_MAX, forEachLimit } from '../store/batch';
import { getJson } from '../store/s3-json';
import { unverifiedGroupOf } from '../store/unverified-pages';
import type { AuditPart } from './audit-shard-files';
import { readLifecycleStage, type LifecycleStageFile } from './lifecycle-stage-files';
import { resolvedFinding } from '../engine/lifecycle';
import type { Removed } from './departed-resources';
import { guardEveryGroup } from './group-digests';
import { readStoredFindings, type ShardFindingsStore } from './read-stored-findings';
import { changedAt, changedSince, resourceKey, shardGroup } from './shard-lifecycle';

/**
 * The finish step's half of the per-shard lifecycle: commits what each shard staged (shard-lifecycle.ts), one shard
 * at a time, and reconciles what crosses shards. It reads no finding beyond the ones it is about to overwrite.
 *
 * - A VM that moved to another cluster has its unverified findings on the pages of the cluster it left, which the
 *   shard it moved to does not read: that shard staged them as new. Every shard lists the members of its pages whose
 *   resource is not its own (`foreign`); one judged by another shard is taken off the old pages, and the new copy
 *   keeps the old one's `firstSeen` (or, no longer firing, the old one is stored resolved), as a whole-fleet audit
 *   would have it.
 * - Findings an incremental evaluation changed or created after the run's audit time are not overwritten: the shard
 *   left such resources alone when it read them, and the commit reads again the resources whose stored findings it
 *   changes, the keys of the findings it creates and the page groups it rewrites, to leave out one changed since.
 * - A foreign member of a host or VM no longer in the fleet (`removed`: departed-resources.ts) is resolved and taken
 *   off its pages, as the whole-fleet lifecycle resolves it.
 */

export interface CommitInput {
  store: ShardFindingsStore;
  s3: S3Client;
  bucket: string;
  parts: readonly AuditPart[];
  profile: string;
  auditedAt: string;
  /** Hosts and VMs no longer in the fleet (departed-resources.ts): their foreign page members are resolved. */
  removed?: Removed;
}

export interface CommitFigures {
  /** Findings written as items, page sets rewritten, items deleted (moved to pages). */
  items: number;
  pageSets: number;
  deletes: number;
  /** Unverified findings of VMs that moved between shards: kept (new copy with the old firstSeen) or resolved. */
  moved: number;
  resolvedAfterMove: number;
  /** Unverified page members of removed hosts and VMs, resolved and taken off their pages. */
  resolvedRemoved: number;
  /** Resources the commit left as stored because an incremental evaluation changed them after the audit time. */
  newerAtCommit: number;
  /** Requests the commit's guard sent: Queries of resources, reads of page groups. */
  rereads: number;
}

/** Shards committed at once: each writes its own items and pages, so they do not contend. */
const SHARDS_IN_FLIGHT = 4;
/** Resource Queries of the guard in flight at once, per shard. */
const QUERIES_IN_FLIGHT = 16;

/** A stale copy on another shard's pages: its finding, and the shard that now judges its resource (none: removed). */
interface Claim {
  finding: Finding;
  by: string | undefined;
}

export async function commitStagedLifecycle(input: CommitInput): Promise<CommitFigures> {
  const { store, parts, profile } = input;
  const figures: CommitFigures = {
    items: 0,
    pageSets: 0,
    deletes: 0,
    moved: 0,
    resolvedAfterMove: 0,
    resolvedRemoved: 0,
    newerAtCommit: 0,
    rereads: 0,
  };
  // The part names its stage file: another shard's would commit that shard's changes under this one's checks.
  for (const part of parts)
    if (!part.lifecycle!.key.endsWith(`/audit/lifecycle/${clusterFile(part.shard)}`))
      throw new Error(`shard ${JSON.stringify(part.shard)} names another shard's stage file: ${part.lifecycle!.key}`);
  // The group digests (src/app/group-digests.ts) of every group this commit may write lose their say while it does.
  return guardEveryGroup(store, profile, stagedGroups(parts), () => commitParts(input, figures));
}

/** The groups the parts' shards own: their page groups (a shard writes items of its resources, in its group). */
function stagedGroups(parts: readonly AuditPart[]): string[] {
  return parts.map((p) => shardGroup(p.shard));
}

async function commitParts(input: CommitInput, figures: CommitFigures): Promise<CommitFigures> {
  const { store, parts, auditedAt, profile } = input;
  const removed = input.removed ?? { keys: new Set<string>(), evidence: new Map() };
  const claims = claimsOf(parts, auditedAt, removed.keys);
  const matched = new Set<string>();
  await forEachLimit(parts, SHARDS_IN_FLIGHT, async (part) => {
    const key = part.lifecycle!.key;
    // The stage names the pages it rewrites: it is input, and another group's would be rewritten unread.
    const stage = readLifecycleStage(await getJson(input.s3, input.bucket, key, RUN_FILE_LIMITS.lifecycleStage), key);
    const group = shardGroup(part.shard);
    if (stage.group !== group || stage.pageSets.some((s) => s.group !== group))
      throw new Error(`${key} stages pages outside shard ${JSON.stringify(part.shard)}'s group ${group}`);
    await commitShard(store, stage, { claims, matched, auditedAt, profile, shard: part.shard, figures });
  });

  // A shard that already held the moved finding (its pages had a copy: a move between pages that stopped half way)
  // and left it unchanged staged nothing for it, yet still counts it current: it is kept, not resolved.
  for (const fingerprint of heldByClaimant(parts, claims)) matched.add(fingerprint);
  // A moved VM's finding the shard it moved to no longer finds: resolved, as the whole-fleet audit resolves it.
  const resolved: Finding[] = [];
  const evidence = evidenceOfClaimants(parts, claims, matched);
  let resolvedRemoved = 0;
  for (const [fingerprint, { finding, by }] of claims)
    if (!matched.has(fingerprint)) {
      const key = resourceKey(finding.resourceType, finding.resourceId);
      const cause = by === undefined ? removed.evidence.get(key) : evidence.get(JSON.stringify([by, key]));
      resolved.push(resolvedFinding(finding, auditedAt, cause));
      if (by === undefined) resolvedRemoved++;
    }
  if (resolved.length > 0) await store.putFindings(resolved);
  figures.moved = matched.size;
  figures.resolvedAfterMove = resolved.length - resolvedRemoved;
  figures.resolvedRemoved = resolvedRemoved;
  return figures;
}

/**
 * Foreign page members whose resource another shard judged, or that is no longer in the fleet (`removed`), and that
 * were not changed after the audit time, by fingerprint. The rest (a live resource no shard judged: it arrived after
 * the split) stay as stored, for the incremental evaluation or the next run to judge.
 */
function claimsOf(parts: readonly AuditPart[], auditedAt: string, removed: ReadonlySet<string>): Map<string, Claim> {
  const judgedBy = new Map<string, string | undefined>();
  for (const key of removed) judgedBy.set(key, undefined);
  for (const p of parts) {
    const newer = new Set(p.lifecycle?.newer ?? []);
    const judge = (key: string) => {
      if (!newer.has(key)) judgedBy.set(key, p.shard);
    };
    for (const id of p.hostIds) judge(resourceKey('host', id));
    for (const id of p.vmIds) judge(resourceKey('vm', id));
  }
  const claims = new Map<string, Claim>();
  for (const p of parts)
    for (const f of p.lifecycle?.foreign ?? []) {
      const key = resourceKey(f.resourceType, f.resourceId);
      const by = judgedBy.get(key);
      if (judgedBy.has(key) && by !== p.shard && compareTimes(changedAt(f), auditedAt) <= 0)
        claims.set(f.fingerprint, { finding: f, by });
    }
  return claims;
}

/**
 * The snapshot evidence (a remove or whole-inventory replacement) the judging shard holds for the resources of the
 * claims it no longer finds, by `[shard, resource key]`: the resolution cites it, as the whole-fleet audit's does.
 */
function evidenceOfClaimants(
  parts: readonly AuditPart[],
  claims: ReadonlyMap<string, Claim>,
  matched: ReadonlySet<string>,
): Map<string, NonNullable<Finding['resolvedBy']>> {
  const wanted = new Set<string>();
  for (const [fingerprint, { finding: f, by }] of claims)
    if (!matched.has(fingerprint) && by !== undefined)
      wanted.add(JSON.stringify([by, resourceKey(f.resourceType, f.resourceId)]));
  const out = new Map<string, NonNullable<Finding['resolvedBy']>>();
  if (wanted.size === 0) return out;
  for (const p of parts)
    for (const [key, cites] of p.snapshotEvidence) {
      const at = JSON.stringify([p.shard, key]);
      if (wanted.has(at)) out.set(at, { eventId: cites.eventId, time: cites.time, effect: cites.effect });
    }
  return out;
}

/** The claims whose finding the shard that judges its resource counts among its current (unresolved) findings. */
function heldByClaimant(parts: readonly AuditPart[], claims: ReadonlyMap<string, Claim>): string[] {
  const wanted = new Map<string, string>();
  const keyOf = (shard: string, ruleId: string, type: string, id: string) => JSON.stringify([shard, ruleId, type, id]);
  for (const [fingerprint, { finding: f, by }] of claims)
    if (by !== undefined) wanted.set(keyOf(by, f.ruleId, f.resourceType, f.resourceId), fingerprint);
  const held: string[] = [];
  if (wanted.size === 0) return held;
  for (const p of parts)
    for (const [ruleId, type, id] of p.lifecycle?.current ?? []) {
      const fingerprint = wanted.get(keyOf(p.shard, ruleId, type, id));
      if (fingerprint !== undefined) held.push(fingerprint);
    }
  return held;
}

interface ShardCommit {
  claims: ReadonlyMap<string, Claim>;
  matched: Set<string>;
  auditedAt: string;
  profile: string;
  shard: string;
  figures: CommitFigures;
}

async function commitShard(store: ShardFindingsStore, stage: LifecycleStageFile, ctx: ShardCommit): Promise<void> {
  const { claims, figures } = ctx;
  // A claimed member leaves these pages; the shard that judges its resource now stores it (see commitStagedLifecycle).
  const claimedHere = (f: Finding) => {
    const c = claims.get(f.fingerprint);
    return c !== undefined && c.by !== ctx.shard;
  };
  const sets = stage.pageSets.filter((s) => !s.onlyIfClaimed || s.findings.some(claimedHere));
  const newer = await newerSinceAudit(store, stage, sets.length > 0, ctx);
  const keep = (f: Pick<Finding, 'resourceType' | 'resourceId'>) =>
    !newer.keys.has(resourceKey(f.resourceType, f.resourceId));

  // The shard it moved from had this finding first: the new copy keeps its firstSeen.
  const adopt = (f: Finding) => {
    const c = claims.get(f.fingerprint);
    if (c !== undefined && c.by === ctx.shard) {
      f.firstSeen = c.finding.firstSeen;
      ctx.matched.add(f.fingerprint);
    }
  };
  // A claimed finding is the judging shard's to store: this shard's copy (a waiver it applied to the stale page
  // member) would overwrite that shard's, whichever commits last.
  const items = [...stage.created, ...stage.updated].filter((f) => keep(f) && !claimedHere(f));
  for (const f of stage.created) adopt(f);
  if (items.length > 0) await store.putFindings(items);
  for (const set of [...sets].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0))) {
    const members = set.findings.filter((f) => keep(f) && !claimedHere(f));
    for (const f of members) adopt(f);
    // Resources changed since the audit time keep the members an incremental evaluation stored for them.
    for (const f of newer.paged) if (f.ruleId === set.ruleId && !keep(f)) members.push(f);
    await store.replaceUnverified!(ctx.profile, set.group, set.ruleId, members);
  }
  const deletes = stage.deletes.filter(keep);
  if (deletes.length > 0) await store.deleteFindings?.(deletes);
  figures.items += items.length;
  figures.pageSets += sets.length;
  figures.deletes += deletes.length;
  figures.newerAtCommit += newer.keys.size;
}

/**
 * The resources among those the commit overwrites whose stored findings changed after the audit time, and the
 * stored page members (of the profile, in the stage's group) of those resources. Reads the resources of the changed
 * and deleted items (one Query each), the keys of the new items (nothing was stored there when the shard read, but an
 * incremental evaluation may have stored one since: 100 keys a BatchGetItem) and, when pages are rewritten, the
 * group's pages (new page members included).
 */
async function newerSinceAudit(
  store: ShardFindingsStore,
  stage: LifecycleStageFile,
  readPages: boolean,
  ctx: ShardCommit,
): Promise<{ keys: Set<string>; paged: Finding[] }> {
  const resources = new Map<string, [ResourceType, string]>();
  for (const f of [...stage.updated, ...stage.deletes])
    resources.set(resourceKey(f.resourceType, f.resourceId), [f.resourceType, f.resourceId]);
  const created = stage.created.filter((f) => !resources.has(resourceKey(f.resourceType, f.resourceId)));
  // A store that cannot read by key is read by resource instead.
  if (store.getFindings === undefined)
    for (const f of created) resources.set(resourceKey(f.resourceType, f.resourceId), [f.resourceType, f.resourceId]);
  const [read, found] = await Promise.all([
    readStoredFindings(store, {
      resources: [...resources.values()],
      groups: readPages ? [stage.group] : [],
      inFlight: QUERIES_IN_FLIGHT,
    }),
    store.getFindings !== undefined && created.length > 0 ? store.getFindings(created) : Promise.resolve([]),
  ]);
  const keyReads =
    store.getFindings === undefined ? 0 : Math.ceil(new Set(created.map((f) => f.fingerprint)).size / BATCH_GET_MAX);
  ctx.figures.rereads += read.reads.resources + read.reads.groups + keyReads;
  const keys = changedSince([...read.findings, ...found], ctx.auditedAt);
  const own = read.paged.filter(
    (f) =>
      f.status === 'unverified' &&
      unverifiedGroupOf(f) === stage.group &&
      profileOf(f) === ctx.profile &&
      keys.has(resourceKey(f.resourceType, f.resourceId)),
  );
  return { keys, paged: own };
}
