import { z } from 'zod';
import { summariseCompliance, type ComplianceRecord, type ComplianceSummary } from '../engine/compliance';
import { listState, parseState, readState, STATE, type StateValue, writeState } from '../store/state-keys';
import type { FleetStore } from '../store/types';
import { forEachLimit } from '../store/batch';
import { complianceIdsDigest, complianceIdsText } from './compliance-ids-text';
import { readTrend, recordTrendEntry } from './run-trend';

/**
 * Where the compliance view lives in the store's meta entries (shapes: src/store/state-keys.ts):
 * - `compliance/latest`: the latest full audit's record without its id lists, plus how many parts hold them and, while
 *   the parts hold exactly that text, its SHA-256 (`partsDigest`), so an audit with the same lists writes no part;
 * - `compliance/latest/part/<n>`: the id lists (evaluated sets, failing/unverified/waived ids per rule), split so
 *   no item nears DynamoDB's 400 KB limit on a large fleet; parts beyond the header's count are stale leftovers;
 * - `compliance/runs/<at>`: each full audit's figures without ids, for the trend over the last `TREND_RUNS` audits
 *   (older ones are removed as new ones are written).
 */
/** Characters of JSON per part: at most 3 bytes each in UTF-8 (4 for a surrogate pair, 2 characters), so under 400 KB. */
const PART_CHARS = 100_000;
/** Part writes in flight at once (DynamoDB takes them in parallel; a local server on its own core too). */
const PARTS_IN_FLIGHT = 8;

type StoredHeader = StateValue<typeof STATE.complianceLatest>;
/** What the parts' text holds once joined (`complianceIdsText`). */
const StoredIds = z.object({
  evaluatedSets: z.array(z.array(z.string())),
  rules: z.array(
    z.object({ failIds: z.array(z.string()), unverifiedIds: z.array(z.string()), waivedIds: z.array(z.string()) }),
  ),
});
type StoredIds = z.infer<typeof StoredIds>;

function hasDigest(value: unknown): value is { partsDigest: unknown } {
  return typeof value === 'object' && value !== null && 'partsDigest' in value;
}

export async function storeCompliance(store: FleetStore, record: ComplianceRecord): Promise<void> {
  // The parts' digest is that of their text's UTF-8, hashed as it is encoded; the text itself is made only when the
  // parts are written (or to count its characters when it is not all ASCII: an ASCII text has one per byte).
  const ids = complianceIdsDigest(record);
  const partsDigest = ids.digest;
  let text = ids.ascii ? undefined : complianceIdsText(record);
  const partCount = Math.ceil((text === undefined ? ids.bytes : text.length) / PART_CHARS);
  const { evaluatedSets: _e, rules, ...rest } = record;
  const header: StoredHeader = {
    ...rest,
    rules: rules.map(({ failIds: _f, unverifiedIds: _u, waivedIds: _w, ...r }) => r),
    parts: partCount,
    partsDigest,
  };
  // An audit of an unchanged fleet has the same id lists (at 100,000 VMs about 200 parts of 100,000 characters): the
  // stored parts already hold them when the header's digest says so, and only the header is rewritten.
  // A header this version cannot read is written over, as before this check.
  // A failed read is not taken for "no header": the header it missed may carry a digest that would then outlive the
  // parts written over below. A header this version cannot read is written over, its digest taken off all the same.
  const raw = await store.getMeta<unknown>(STATE.complianceLatest.key);
  const parsed = raw === undefined ? undefined : STATE.complianceLatest.schema.safeParse(raw);
  const stored = parsed?.success ? parsed.data : undefined;
  if (stored?.partsDigest !== partsDigest || stored.parts !== partCount) {
    // The digest vouches for the parts only while nothing else was written over them: it goes before any part does,
    // so a crash while writing parts leaves a header without one and the next audit writes them all again.
    if (stored?.partsDigest !== undefined) {
      const { partsDigest: _d, ...withoutDigest } = stored;
      await writeState(store, STATE.complianceLatest, withoutDigest);
    } else if (stored === undefined && hasDigest(raw)) {
      const { partsDigest: _d, ...withoutDigest } = raw;
      await store.putMeta(STATE.complianceLatest.key, withoutDigest);
    }
    text ??= complianceIdsText(record);
    const parts: string[] = [];
    for (let i = 0; i < text.length; i += PART_CHARS) parts.push(text.slice(i, i + PART_CHARS));
    // Parts first: a reader never sees a header whose parts are not there yet (a crash leaves the old header).
    // Several at a time: at 100,000 VMs the id lists are about 80 parts, written one by one they took seconds.
    await forEachLimit([...parts.entries()], PARTS_IN_FLIGHT, ([n, part]) =>
      writeState(store, STATE.complianceParts.key(String(n).padStart(6, '0')), part),
    );
  }
  await writeState(store, STATE.complianceLatest, header);
  await recordTrendEntry(store, STATE.complianceRuns, record.at, summariseCompliance(record));
}

/**
 * The latest full audit's compliance record, or undefined when none was stored (or its parts are incomplete: a
 * crash between writing parts and header). A header or parts of another shape are an error naming the key.
 */
export async function loadCompliance(store: FleetStore): Promise<ComplianceRecord | undefined> {
  const header = await readState(store, STATE.complianceLatest);
  if (header === undefined) return undefined;
  const parts = (await listState(store, STATE.complianceParts)).slice(0, header.parts).map((p) => p.value);
  if (parts.length !== header.parts) return undefined;
  let joined: unknown;
  try {
    joined = JSON.parse(parts.join(''));
  } catch {
    // Parts of a newer audit whose header was not written yet (a crash in between): no consistent record.
    return undefined;
  }
  const ids = parseState({ key: STATE.complianceParts.prefix, schema: StoredIds }, joined);
  if (ids.rules.length !== header.rules.length) return undefined;
  const { parts: _p, partsDigest: _d, ...rest } = header;
  return {
    ...rest,
    evaluatedSets: ids.evaluatedSets,
    rules: header.rules.map((r, i) => ({ ...r, ...ids.rules[i]! })),
  };
}

/** The figures of the last `runs` full audits (at most the `TREND_RUNS` kept), oldest first. */
export async function complianceHistory(store: FleetStore, runs?: number): Promise<ComplianceSummary[]> {
  return readTrend(store, STATE.complianceRuns, runs);
}
