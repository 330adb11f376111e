import type { Finding } from '../model/finding';
import { profileOf } from '../engine/fingerprint';
import type { FleetStore } from '../store/types';

export interface ChangedFindings {
  /** Stored findings before the audit (every profile). */
  previous: readonly Finding[];
  /** Every finding of the audited rules after it, unchanged ones included. */
  findings: readonly Finding[];
  /** The ones whose view changed: what has to be written. */
  changed: readonly Finding[];
  profile: string;
}

/**
 * Persists what an audit changed. Where the store keeps unverified findings on their rule's pages
 * (docs/findings-at-scale.md), a rule's pages are rewritten whole when one of its findings became, stayed (with a
 * changed view) or stopped being unverified; every other change is one item. A finding that became unverified
 * loses its item after its page is written, so a reader never sees it in neither place.
 */
export async function storeChangedFindings(store: FleetStore, input: ChangedFindings): Promise<void> {
  const { changed, profile } = input;
  if (changed.length === 0) return;
  if (store.replaceUnverified === undefined) {
    await store.putFindings(changed);
    return;
  }
  const before = new Map<string, Finding>();
  for (const f of input.previous) if (profileOf(f) === profile) before.set(f.fingerprint, f);
  const rules = new Set<string>();
  const items: Finding[] = [];
  const movedToPages: Finding[] = [];
  for (const f of changed) {
    const was = before.get(f.fingerprint);
    if (f.status === 'unverified') {
      rules.add(f.ruleId);
      if (was !== undefined && was.status !== 'unverified') movedToPages.push(f);
    } else {
      items.push(f);
      if (was?.status === 'unverified') rules.add(f.ruleId);
    }
  }
  if (items.length > 0) await store.putFindings(items);
  const byRule = new Map<string, Finding[]>([...rules].sort().map((r) => [r, []]));
  for (const f of input.findings) if (f.status === 'unverified') byRule.get(f.ruleId)?.push(f);
  for (const [ruleId, paged] of byRule) await store.replaceUnverified(profile, ruleId, paged);
  if (movedToPages.length > 0) await store.deleteFindings?.(movedToPages);
}
