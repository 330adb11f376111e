import { MAX_SNAPSHOT_IDS, type Scope } from '../model/event';
import { contentId } from './ids';
import { emit, type Outcomes } from './outcome';
import type { RecordLocation, SourceName } from './types';

/** What a whole collection listed; a list left undefined says nothing about that kind. */
export interface ScopeMembers {
  hosts?: readonly string[];
  vms?: readonly string[];
}

function chunks(ids: readonly string[] | undefined): string[][] | undefined {
  if (ids === undefined) return undefined;
  const unique = [...new Set(ids)].sort();
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += MAX_SNAPSHOT_IDS) out.push(unique.slice(i, i + MAX_SNAPSHOT_IDS));
  return out;
}

/**
 * The `inventory.snapshot` events of one whole collection of a scope: one event, or parts of at most
 * MAX_SNAPSHOT_IDS ids per list. Ids hash the content, so re-ingesting the same collection gives duplicates.
 */
export function inventorySnapshotOutcomes(
  source: SourceName,
  loc: RecordLocation,
  scope: Scope,
  time: string,
  members: ScopeMembers,
): Outcomes {
  const hosts = chunks(members.hosts);
  const vms = chunks(members.vms);
  if (!hosts && !vms) return [];
  const count = Math.max(hosts?.length ?? 0, vms?.length ?? 0, 1);
  const out: Outcomes = [];
  for (let i = 0; i < count; i++) {
    const snapshot = {
      scope,
      ...(hosts && { hosts: hosts[i] ?? [] }),
      ...(vms && { vms: vms[i] ?? [] }),
      ...(count > 1 && { part: { index: i + 1, count } }),
    };
    out.push(
      emit(source, loc, {
        id: contentId(`${source}-inventory`, { time, snapshot }),
        time,
        type: 'inventory.snapshot',
        source,
        snapshot,
      }),
    );
  }
  return out;
}
