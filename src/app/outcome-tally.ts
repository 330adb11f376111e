import { compareText } from '../model/event-order';

/**
 * Bounded bookkeeping of ignored and rejected records. A file of garbage lines gives one rejection per line, so
 * keeping them all made a 2 MB file cost 1 GB and a 142 MB `--json`: every record is counted, but only the first
 * few are kept in detail and the per-reason and per-file counts have a bounded number of keys.
 */

export interface RecordDetail {
  file: string;
  record?: string;
  field?: string;
  reason: string;
}

/** Records listed in detail when the caller does not say (CLI `--max-listed`). */
export const DEFAULT_DETAIL_LIMIT = 100;
/** Distinct reasons or files counted by name; any further ones are counted under OTHER_KEY. */
export const MAX_SUMMARY_KEYS = 200;
export const OTHER_KEY = '(others)';
/** Longer reasons are cut: some quote keys of the input, which an attacker chooses. */
export const MAX_REASON_CHARS = 500;

export function clipReason(reason: string): string {
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}

/**
 * The reason with what varies per record folded (numbers, quoted input), so one kind of problem is one key:
 * `not valid JSON at column 7: Unexpected token 'g', "garbage" is not valid JSON` and its siblings on every
 * other line count together.
 */
export function reasonKey(reason: string): string {
  return clipReason(reason)
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/\d+/g, 'N');
}

/** Counts per key with at most MAX_SUMMARY_KEYS keys; a Map, so no key (`__proto__`) can reach a prototype. */
export class BoundedCounts {
  private readonly counts = new Map<string, number>();

  add(key: string): void {
    const k = this.counts.has(key) || this.counts.size < MAX_SUMMARY_KEYS ? key : OTHER_KEY;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  /** Largest first, as a plain JSON object (own data properties only). */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])));
  }
}

/** The first `limit` details and a count of all. */
export class DetailList {
  readonly items: RecordDetail[] = [];
  count = 0;
  constructor(private readonly limit: number) {}

  add(detail: RecordDetail): void {
    this.count++;
    if (this.items.length < this.limit) this.items.push({ ...detail, reason: clipReason(detail.reason) });
  }
}
