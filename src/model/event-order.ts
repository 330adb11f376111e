/**
 * The total order of events (issue 15 item 4): time at the precision the source wrote it, then id compared with
 * digit runs as numbers, so `.123100Z` comes before `.123900Z` and `…:99:` before `…:100:`. Date.parse keeps only
 * milliseconds, and ids compared as text put 100 before 99.
 */

/** Nanoseconds after the millisecond (0 … 999,999) written in an RFC 3339 time; offsets are whole minutes, so they never touch it. */
function subMillisecond(time: string): number {
  const m = /\.\d{3}(\d{1,6})/.exec(time);
  return m ? Number(m[1]!.padEnd(6, '0')) : 0;
}

/** Compares two RFC 3339 times at full precision (nanoseconds); an unparsable time sorts first. */
export function compareTimes(a: string, b: string): number {
  const ma = Date.parse(a);
  const mb = Date.parse(b);
  if (ma !== mb) {
    if (Number.isNaN(ma)) return -1;
    if (Number.isNaN(mb)) return 1;
    return ma < mb ? -1 : 1;
  }
  const sa = subMillisecond(a);
  const sb = subMillisecond(b);
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

const RUNS = /\d+|\D+/g;

/**
 * Ids compared run by run: digit runs by value (then by length, so `01` and `1` still differ), other runs as
 * text. Falls back to plain text order, so two different ids never compare equal.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const ra = a.match(RUNS) ?? [];
  const rb = b.match(RUNS) ?? [];
  const n = Math.min(ra.length, rb.length);
  for (let i = 0; i < n; i++) {
    const x = ra[i]!;
    const y = rb[i]!;
    if (x === y) continue;
    const digits = /^\d/.test(x) && /^\d/.test(y);
    if (digits) {
      const xv = x.replace(/^0+(?=\d)/, '');
      const yv = y.replace(/^0+(?=\d)/, '');
      if (xv.length !== yv.length) return xv.length < yv.length ? -1 : 1;
      if (xv !== yv) return xv < yv ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    } else return x < y ? -1 : 1;
  }
  if (ra.length !== rb.length) return ra.length < rb.length ? -1 : 1;
  return a < b ? -1 : 1;
}

/**
 * Plain text order (UTF-16 code units), 0 only for equal strings: a total order that, unlike `localeCompare`,
 * does not depend on the machine's locale, so every listing and report sorts the same everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Entities (hosts, VMs, rules, controls) by id in text order: the tie-break of every listing. Event ids use
 * `compareIds` instead, where digit runs count as numbers.
 */
export function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return compareText(a.id, b.id);
}
