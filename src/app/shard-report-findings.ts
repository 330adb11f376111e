import { profileOf } from '../engine/fingerprint';
import { lastSeenOf } from '../engine/lifecycle';
import type { Finding, ResourceType } from '../model/finding';
import { mergeItemsAndPages, unverifiedGroupOf } from '../store/unverified-pages';
import type { ShardFindingsStore, StagedLifecycle } from './shard-lifecycle';

/**
 * The findings of one shard's resources as the table holds them once the finish step commits the shard's stage:
 * what the shard read, with what it staged laid over it. The shard's report fragment (report-fragments.ts) is made
 * from these, so the report needs no read of the table after the commit. test/functions/fleet-report.test.ts checks
 * they equal the table's findings of the same resources after the run.
 */

/** What the shard's lifecycle read of the table: its resources' items and its page group's members. */
export interface ShardRead {
  items: Finding[];
  pages: Finding[];
}

/**
 * The store the shard's lifecycle reads through, keeping a copy of each answer: the shard's own read, not a second
 * one. Every other call goes to the store as it is.
 */
export function recordingReads(store: ShardFindingsStore): { store: ShardFindingsStore; read: ShardRead } {
  const read: ShardRead = { items: [], pages: [] };
  const recording = new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'listResourceFindings')
        return async (type: ResourceType, id: string) => {
          const found = await target.listResourceFindings(type, id);
          for (const f of found) read.items.push(f);
          return found;
        };
      if (name === 'listUnverifiedFindings')
        return async (groups: readonly string[]) => {
          const found = await target.listUnverifiedFindings(groups);
          for (const f of found) read.pages.push(f);
          return found;
        };
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: recording, read };
}

export interface ShardResources {
  shard: string;
  hostIds: ReadonlySet<string>;
  vmIds: ReadonlySet<string>;
}

/**
 * The shard's findings in the run's profile after its stage is committed, `lastSeen` as the report shows it (an
 * unchanged finding was last seen by this audit): the previous findings as the lifecycle read them (items of another
 * group's pages are that group's shard's), each rewritten page set replacing its rule's unverified findings, each
 * staged item replacing its finding.
 */
export function findingsAfterStage(
  read: ShardRead,
  staged: StagedLifecycle,
  resources: ShardResources,
  profile: string,
  auditedAt: string,
): Finding[] {
  const inShard = (f: Finding) =>
    f.resourceType === 'host'
      ? resources.hostIds.has(f.resourceId)
      : f.resourceType === 'vm'
        ? resources.vmIds.has(f.resourceId)
        : f.resourceType === 'cluster' && f.resourceId === resources.shard;
  const items = read.items.filter((f) => f.status !== 'unverified' || unverifiedGroupOf(f) === staged.group);
  const after = new Map<string, Finding>();
  for (const f of mergeItemsAndPages(items, read.pages))
    if (profileOf(f) === profile && inShard(f)) after.set(f.fingerprint, f);
  for (const set of staged.pageSets) {
    if (set.onlyIfClaimed) continue;
    for (const [fp, f] of after) if (f.status === 'unverified' && f.ruleId === set.ruleId) after.delete(fp);
    for (const f of set.findings) if (inShard(f)) after.set(f.fingerprint, f);
  }
  for (const f of [...staged.created, ...staged.updated])
    if (profileOf(f) === profile && inShard(f)) after.set(f.fingerprint, f);
  return [...after.values()].map((f) => ({ ...f, lastSeen: lastSeenOf(f, auditedAt) }));
}
