import {
  summariseCompliance,
  type ComplianceRecord,
  type ComplianceSummary,
  type RuleCompliance,
} from '../engine/compliance';
import type { FleetStore } from '../store/types';

/**
 * Where the compliance view lives in the store's meta entries:
 * - `compliance/latest`: the latest full audit's record without its id lists, plus how many parts hold them;
 * - `compliance/latest/part/<n>`: the id lists (evaluated sets, failing/unverified/waived ids per rule), split so
 *   no item nears DynamoDB's 400 KB limit on a large fleet; parts beyond the header's count are stale leftovers;
 * - `compliance/runs/<at>`: each full audit's figures without ids, for the trend over the last N audits.
 */
export const COMPLIANCE_LATEST_META = 'compliance/latest';
const PART_PREFIX = 'compliance/latest/part/';
export const COMPLIANCE_RUNS_PREFIX = 'compliance/runs/';
/** Characters of JSON per part: at most 3 bytes each in UTF-8 (4 for a surrogate pair, 2 characters), so under 400 KB. */
const PART_CHARS = 100_000;

interface StoredHeader extends Omit<ComplianceRecord, 'evaluatedSets' | 'rules'> {
  rules: Omit<RuleCompliance, 'failIds' | 'unverifiedIds' | 'waivedIds'>[];
  parts: number;
}
interface StoredIds {
  evaluatedSets: string[][];
  rules: Pick<RuleCompliance, 'failIds' | 'unverifiedIds' | 'waivedIds'>[];
}

export async function storeCompliance(store: FleetStore, record: ComplianceRecord): Promise<void> {
  const ids: StoredIds = {
    evaluatedSets: record.evaluatedSets,
    rules: record.rules.map((r) => ({ failIds: r.failIds, unverifiedIds: r.unverifiedIds, waivedIds: r.waivedIds })),
  };
  const text = JSON.stringify(ids);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += PART_CHARS) parts.push(text.slice(i, i + PART_CHARS));
  // Parts first: a reader never sees a header whose parts are not there yet (a crash leaves the old header).
  for (const [n, part] of parts.entries()) await store.putMeta(`${PART_PREFIX}${String(n).padStart(6, '0')}`, part);
  const { evaluatedSets: _e, rules, ...rest } = record;
  const header: StoredHeader = {
    ...rest,
    rules: rules.map(({ failIds: _f, unverifiedIds: _u, waivedIds: _w, ...r }) => r),
    parts: parts.length,
  };
  await store.putMeta(COMPLIANCE_LATEST_META, header);
  await store.putMeta(`${COMPLIANCE_RUNS_PREFIX}${record.at}`, summariseCompliance(record));
}

/** The latest full audit's compliance record, or undefined when none was stored (or its parts are incomplete). */
export async function loadCompliance(store: FleetStore): Promise<ComplianceRecord | undefined> {
  const header = await store.getMeta<StoredHeader>(COMPLIANCE_LATEST_META);
  if (header === undefined) return undefined;
  const parts = (await store.listMeta<string>(PART_PREFIX)).slice(0, header.parts).map((p) => p.value);
  if (parts.length !== header.parts) return undefined;
  let ids: StoredIds;
  try {
    ids = JSON.parse(parts.join('')) as StoredIds;
  } catch {
    // Parts of a newer audit whose header was not written yet (a crash in between): no consistent record.
    return undefined;
  }
  if (ids.rules.length !== header.rules.length) return undefined;
  const { parts: _p, ...rest } = header;
  return {
    ...rest,
    evaluatedSets: ids.evaluatedSets,
    rules: header.rules.map((r, i) => ({ ...r, ...ids.rules[i]! })),
  };
}

/** The figures of the last `n` full audits, oldest first. */
export async function complianceHistory(store: FleetStore, n: number): Promise<ComplianceSummary[]> {
  return (await store.listMeta<ComplianceSummary>(COMPLIANCE_RUNS_PREFIX)).map((e) => e.value).slice(-n);
}
