import { computeLifecycle } from '../engine/lifecycle';
import { profileOf } from '../engine/fingerprint';
import { UNCLUSTERED_SHARD } from '../engine/sharded-audit';
import type { LoadedRule, RuleHit } from '../engine/types';
import { waiverMatcher, type Waiver } from '../engine/waivers';
import { compareTimes } from '../model/event-order';
import type { SnapshotEvidence } from '../model/fleet';
import type { Finding, ResourceType, Severity } from '../model/finding';
import { readStoredFindings, type ShardFindingsStore } from './read-stored-findings';
import { clusterUnverifiedGroup, UNCLUSTERED_GROUP, unverifiedGroupOf } from '../store/unverified-pages';
import { pageSetsToRewrite } from './store-findings';

/**
 * The findings' lifecycle of one shard of the sharded full audit (docs/scale.md, "The findings' lifecycle per
 * shard"): the shard reads the stored findings of its own resources (one Query each: findings are keyed by resource)
 * and its cluster's unverified page group, runs the lifecycle on them, and stages what changed for the finish step
 * to commit. No finding of another shard is read, so the finish step never reads every finding.
 */

export { canStageLifecycle, type ShardFindingsStore } from './read-stored-findings';

/** One rule's unverified findings of the shard's page group after the lifecycle: the page set as it is to be stored. */
export interface StagedPageSet {
  group: string;
  ruleId: string;
  findings: Finding[];
  /**
   * Nothing of the shard changed the set: it is staged because it holds members of resources outside the shard
   * (`foreign`), and is written only if the finish step takes some of them out (their resource moved to another shard).
   */
  onlyIfClaimed?: true;
}

/** A current finding as the compliance view and the summary count it: rule, resource, status, severity. */
export type CurrentFinding = [
  ruleId: string,
  resourceType: ResourceType,
  resourceId: string,
  status: Finding['status'],
  severity: Severity,
];

/** What a shard hands the finish step to commit, and what the run's compliance and summary count of it. */
export interface StagedLifecycle {
  /** The shard's unverified page group (its cluster's, or the unclustered resources'). */
  group: string;
  /** Changed findings stored as items: new ones, and ones whose stored view changed (resolved ones included). */
  created: Finding[];
  updated: Finding[];
  /** Page sets to rewrite whole. */
  pageSets: StagedPageSet[];
  /** Items of findings that became unverified: deleted once their pages are written. */
  deletes: Pick<Finding, 'fingerprint' | 'resourceType' | 'resourceId'>[];
  /** Every current finding of the shard's resources after the lifecycle. */
  current: CurrentFinding[];
  /**
   * Unverified findings on the group's pages whose resource is not in this shard: a VM that moved to another cluster,
   * one removed, or one that arrived after the run's split. The finish step reconciles the moved ones.
   */
  foreign: Finding[];
  /** Resources left as stored (`<type>#<id>`): an incremental evaluation changed their findings after the audit time. */
  newer: string[];
  /** Requests the shard sent to read its findings: Queries by resource, and the page group's read. */
  reads: { resources: number; groups: number };
}

export interface ShardLifecycleInput {
  shard: string;
  hostIds: readonly string[];
  vmIds: readonly string[];
  hits: readonly RuleHit[];
  rules: readonly LoadedRule[];
  profile: string;
  waivers: readonly Waiver[];
  auditedAt: string;
  snapshotEvidence: ReadonlyMap<string, SnapshotEvidence> | undefined;
  /** Whether the store keeps unverified findings on pages (`replaceUnverified`); else every change is an item. */
  paged: boolean;
}

/** Resource Queries in flight at once: enough to hide DynamoDB's latency, few enough to stay under a shard's share. */
const QUERIES_IN_FLIGHT = 16;

/** The page group of a shard's resources, as `unverifiedGroupOf` names it for their findings. */
export function shardGroup(shard: string): string {
  return shard === UNCLUSTERED_SHARD ? UNCLUSTERED_GROUP : clusterUnverifiedGroup(shard);
}

/** When a stored finding last changed: its resolution, else its latest sighting. */
export const changedAt = (f: Finding) => f.resolvedAt ?? f.lastSeen;
export const resourceKey = (type: string, id: string) => `${type}#${id}`;

/** The resources (`resourceKey`) whose stored findings changed after `at`: an evaluation's since, not to overwrite. */
export function changedSince(findings: Iterable<Finding>, at: string): Set<string> {
  const keys = new Set<string>();
  for (const f of findings) if (compareTimes(changedAt(f), at) > 0) keys.add(resourceKey(f.resourceType, f.resourceId));
  return keys;
}

/**
 * Reads the shard's stored findings and stages its lifecycle. Undefined when the stored findings do not fit the
 * staged commit (a finding of the shard's resources sits on another group's pages): the finish step then runs the
 * whole-table lifecycle, as before.
 */
export async function stageShardLifecycle(
  store: ShardFindingsStore,
  input: ShardLifecycleInput,
): Promise<StagedLifecycle | undefined> {
  const { shard, profile, auditedAt } = input;
  const group = shardGroup(shard);
  const hosts = new Set(input.hostIds);
  const vms = new Set(input.vmIds);
  const inShard = (type: ResourceType, id: string) =>
    type === 'host' ? hosts.has(id) : type === 'vm' ? vms.has(id) : type === 'cluster' && id === shard;
  const resources: [ResourceType, string][] = [
    ...(shard === UNCLUSTERED_SHARD ? [] : [['cluster', shard] as [ResourceType, string]]),
    ...input.hostIds.map((id): [ResourceType, string] => ['host', id]),
    ...input.vmIds.map((id): [ResourceType, string] => ['vm', id]),
  ];
  // Another group's unverified findings (a VM that moved here) are that group's shard's: the finish step reconciles
  // them (`foreign`). A store that lists page members by resource too (the memory store) hands them over.
  const read = await readStoredFindings(store, {
    resources,
    groups: [group],
    inFlight: QUERIES_IN_FLIGHT,
    keepItem: (f) => f.status !== 'unverified' || unverifiedGroupOf(f) === group,
  });
  const previous = read.findings;

  const newer = changedSince(previous, auditedAt);
  const evaluated = (type: ResourceType, id: string) => inShard(type, id) && !newer.has(resourceKey(type, id));
  const { findings, changed } = computeLifecycle({
    previous,
    hits: input.hits.filter((h) => evaluated(h.resourceType, h.resourceId)),
    ruleIds: new Set(input.rules.map((r) => r.id)),
    evaluated,
    waivers: waiverMatcher(input.waivers),
    now: auditedAt,
    profile,
    resolvedBy: (type, id) =>
      type === 'host' || type === 'vm' ? input.snapshotEvidence?.get(resourceKey(type, id)) : undefined,
  });

  const before = new Map<string, Finding>();
  for (const f of previous) if (profileOf(f) === profile) before.set(f.fingerprint, f);
  const foreign = previous.filter(
    (f) => f.status === 'unverified' && profileOf(f) === profile && !inShard(f.resourceType, f.resourceId),
  );
  const staged: StagedLifecycle = {
    group,
    created: [],
    updated: [],
    pageSets: [],
    deletes: [],
    current: findings
      .filter((f) => f.status !== 'resolved' && inShard(f.resourceType, f.resourceId))
      .map((f): CurrentFinding => [f.ruleId, f.resourceType, f.resourceId, f.status, f.severity]),
    foreign,
    newer: [...newer].sort(),
    reads: read.reads,
  };
  for (const f of changed) {
    const was = before.get(f.fingerprint);
    if (input.paged && f.status === 'unverified') {
      if (was !== undefined && was.status !== 'unverified')
        staged.deletes.push({ fingerprint: f.fingerprint, resourceType: f.resourceType, resourceId: f.resourceId });
    } else (was === undefined ? staged.created : staged.updated).push(f);
  }
  if (!input.paged) return staged;

  const sets = pageSetsToRewrite({ previous, findings, changed, profile });
  // A set of another group would be rewritten from this shard's view of it alone.
  if (sets.some((s) => s.group !== group)) return undefined;
  const rules = new Set(sets.map((s) => s.ruleId));
  const claimable = new Set(foreign.map((f) => f.ruleId).filter((r) => !rules.has(r)));
  const unverified = findings.filter((f) => f.status === 'unverified' && profileOf(f) === profile);
  for (const ruleId of [...rules, ...claimable].sort())
    staged.pageSets.push({
      group,
      ruleId,
      findings: unverified.filter((f) => f.ruleId === ruleId),
      ...(claimable.has(ruleId) && { onlyIfClaimed: true as const }),
    });
  return staged;
}
