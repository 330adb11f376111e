import type { Finding, ResourceType } from '../model/finding';
import { forEachLimit } from '../store/batch';
import type { FleetStore } from '../store/types';
import { mergeItemsAndPages } from '../store/unverified-pages';

/**
 * The one read of the sharded run's lifecycle (the shard's, the commit's guard, the perimeters'): the finding items
 * of some resources (one Query each) and some unverified page groups (one read), merged as `listFindings` merges
 * them. No caller reads every finding.
 */

/** A store the sharded run can read findings from: by resource, and by page group. */
export type ShardFindingsStore = FleetStore &
  Required<Pick<FleetStore, 'listResourceFindings' | 'listUnverifiedFindings'>>;

export function canStageLifecycle(store: FleetStore | undefined): store is ShardFindingsStore {
  return store?.listResourceFindings !== undefined && store.listUnverifiedFindings !== undefined;
}

export interface StoredFindingsRead {
  /** Resources whose finding items to read (one Query each). */
  resources: readonly (readonly [ResourceType, string])[];
  /** Reads every item of this type instead (one Query per findings partition) when the store can; else `resources`. */
  wholeType?: ResourceType;
  /** Unverified page groups to read (none: no page read). */
  groups: readonly string[];
  /** Resource Queries in flight at once. */
  inFlight: number;
  /** Which items to keep (default every one). */
  keepItem?: (f: Finding) => boolean;
}

export interface StoredFindings {
  /** Items and page members merged (the later-written copy of a finding on both). */
  findings: Finding[];
  /** The page members read, as read. */
  paged: Finding[];
  /** Requests sent: Queries of single resources (a whole-type read is not counted here), and page groups read. */
  reads: { resources: number; groups: number };
}

export async function readStoredFindings(store: ShardFindingsStore, read: StoredFindingsRead): Promise<StoredFindings> {
  const items: Finding[] = [];
  const keep = read.keepItem ?? (() => true);
  const take = (found: readonly Finding[]) => {
    for (const f of found) if (keep(f)) items.push(f);
  };
  const wholeType = read.wholeType !== undefined && store.listTypeFindings !== undefined ? read.wholeType : undefined;
  const [paged] = await Promise.all([
    read.groups.length > 0 ? store.listUnverifiedFindings(read.groups) : Promise.resolve([]),
    wholeType !== undefined
      ? store.listTypeFindings!(wholeType).then(take)
      : forEachLimit(read.resources, read.inFlight, async ([type, id]) =>
          take(await store.listResourceFindings(type, id)),
        ),
  ]);
  return {
    findings: mergeItemsAndPages(items, paged),
    paged,
    reads: { resources: wholeType !== undefined ? 0 : read.resources.length, groups: read.groups.length },
  };
}
