import type { Finding } from '../model/finding';
import { profileOf } from '../engine/fingerprint';
import type { FleetStore } from '../store/types';
import { unverifiedGroupOf } from '../store/unverified-pages';
import { guardFindingWrites, plainGuard, type FindingWriteGuard } from './group-digests';

export interface ChangedFindings {
  /** Stored findings before the audit (every profile). */
  previous: readonly Finding[];
  /** Every finding of the audited rules after it, unchanged ones included. */
  findings: readonly Finding[];
  /** The ones whose view changed: what has to be written. */
  changed: readonly Finding[];
  profile: string;
  /**
   * Whether `previous` is every stored finding (a read of the whole table) rather than those of a few clusters: only
   * then can the per-rule pages of an older table be rewritten by group.
   */
  complete: boolean;
}

/** One rule's unverified pages in one group (`unverifiedGroupOf`). */
export interface PageSet {
  group: string;
  ruleId: string;
}

const pageSetKey = (group: string, ruleId: string) => `${group}\u0000${ruleId}`;

/**
 * The page sets the changes rewrite: the group a finding is in now when it became, stayed (with a changed view) or
 * stopped being unverified, and the group it was in when that differs (a VM that moved to another cluster).
 */
export function pageSetsToRewrite(input: Omit<ChangedFindings, 'complete'>): PageSet[] {
  const before = previousOf(input);
  const sets = new Map<string, PageSet>();
  const add = (f: Finding) => {
    const group = unverifiedGroupOf(f);
    sets.set(pageSetKey(group, f.ruleId), { group, ruleId: f.ruleId });
  };
  for (const f of input.changed) {
    const was = before.get(f.fingerprint);
    if (f.status === 'unverified') add(f);
    if (was?.status === 'unverified') add(was);
  }
  return [...sets.values()];
}

function previousOf(input: Pick<ChangedFindings, 'previous' | 'profile'>): Map<string, Finding> {
  const before = new Map<string, Finding>();
  for (const f of input.previous) if (profileOf(f) === input.profile) before.set(f.fingerprint, f);
  return before;
}

/**
 * Persists what an audit changed. Where the store keeps unverified findings on pages by cluster and rule
 * (docs/findings-at-scale.md), a page set is rewritten whole when one of its findings became, stayed (with a changed
 * view) or stopped being unverified; every other change is one item. A finding that became unverified loses its item
 * after its page is written, so a reader never sees it in neither place. An audit that read every finding also moves
 * an older table's per-rule pages of its profile into the groups, then deletes them.
 *
 * The writes sit between `guard`'s steps for the groups they touch (by default the bare tokens every writer leaves
 * in the group digests, src/app/group-digests.ts): the groups the changed findings are in now and were in before.
 */
export async function storeChangedFindings(
  store: FleetStore,
  input: ChangedFindings,
  guard: FindingWriteGuard | undefined = plainGuard(store, input.profile),
): Promise<void> {
  const { changed, profile } = input;
  const replace = store.replaceUnverified?.bind(store);
  const legacy =
    replace !== undefined && input.complete && (await store.legacyUnverifiedProfiles?.())?.includes(profile) === true;
  if (changed.length === 0 && !legacy) return;
  const before = previousOf(input);
  const groups = new Set<string>();
  for (const f of changed) {
    groups.add(unverifiedGroupOf(f));
    const was = before.get(f.fingerprint);
    if (was !== undefined) groups.add(unverifiedGroupOf(was));
  }
  if (legacy) {
    for (const f of input.findings) if (f.status === 'unverified') groups.add(unverifiedGroupOf(f));
    for (const f of before.values()) if (f.status === 'unverified') groups.add(unverifiedGroupOf(f));
  }
  await guardFindingWrites(
    store,
    profile,
    [...groups].sort(),
    () => (replace === undefined ? store.putFindings(changed) : writeChanges(store, input, before, legacy, replace)),
    guard,
  );
}

async function writeChanges(
  store: FleetStore,
  input: ChangedFindings,
  before: ReadonlyMap<string, Finding>,
  legacy: boolean,
  replace: NonNullable<FleetStore['replaceUnverified']>,
): Promise<void> {
  const { changed, profile } = input;
  const items: Finding[] = [];
  const movedToPages: Finding[] = [];
  for (const f of changed) {
    const was = before.get(f.fingerprint);
    if (f.status !== 'unverified') items.push(f);
    else if (was !== undefined && was.status !== 'unverified') movedToPages.push(f);
  }
  if (items.length > 0) await store.putFindings(items);

  const unverified = input.findings.filter((f) => f.status === 'unverified' && profileOf(f) === profile);
  if (legacy) {
    // Rules no longer loaded keep their findings: carried over as they were.
    const current = new Set(input.findings.map((f) => f.fingerprint));
    for (const f of before.values()) if (f.status === 'unverified' && !current.has(f.fingerprint)) unverified.push(f);
  }
  const wanted = legacy
    ? unverified.map((f) => ({ group: unverifiedGroupOf(f), ruleId: f.ruleId }))
    : pageSetsToRewrite(input);
  const sets = new Map<string, PageSet & { paged: Finding[] }>();
  for (const s of wanted) sets.set(pageSetKey(s.group, s.ruleId), { ...s, paged: [] });
  for (const f of unverified) sets.get(pageSetKey(unverifiedGroupOf(f), f.ruleId))?.paged.push(f);
  for (const key of [...sets.keys()].sort()) {
    const { group, ruleId, paged } = sets.get(key)!;
    await replace(profile, group, ruleId, paged);
  }
  if (legacy) await store.dropLegacyUnverified?.(profile);
  if (movedToPages.length > 0) await store.deleteFindings?.(movedToPages);
}
