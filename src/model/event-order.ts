/**
 * The total order of events (issue 15 item 4): time at the precision the source wrote it, then id compared with
 * digit runs as numbers, so `.123100Z` comes before `.123900Z` and `…:99:` before `…:100:`. Date.parse keeps only
 * milliseconds, and ids compared as text put 100 before 99.
 */

/** Nanoseconds after the millisecond (0 … 999,999) written in an RFC 3339 time; offsets are whole minutes, so they never touch it. */
export function subMillisecond(time: string): number {
  const m = /\.\d{3}(\d{1,6})/.exec(time);
  return m ? Number(m[1]!.padEnd(6, '0')) : 0;
}

/** Compares two RFC 3339 times at full precision (nanoseconds); an unparsable time sorts first. */
export function compareTimes(a: string, b: string): number {
  const ma = Date.parse(a);
  // The same text names the same instant; most comparisons in a replay are of one batch's shared time.
  if (a === b && !Number.isNaN(ma)) return 0;
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

const ZERO = 48;
const NINE = 57;

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= ZERO && c <= NINE;
}

/** End of the run (all digits or all non-digits) that starts at `i`. */
function runEnd(s: string, i: number): number {
  const digits = isDigit(s, i);
  let j = i + 1;
  while (j < s.length && isDigit(s, j) === digits) j++;
  return j;
}

/** Text order of s[i, e) against t[j, f) (UTF-16 code units, as `<` on strings). */
function compareSpans(s: string, i: number, e: number, t: string, j: number, f: number): number {
  const n = Math.min(e - i, f - j);
  for (let k = 0; k < n; k++) {
    const d = s.charCodeAt(i + k) - t.charCodeAt(j + k);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const la = e - i;
  const lb = f - j;
  return la === lb ? 0 : la < lb ? -1 : 1;
}

/**
 * Ids compared run by run: digit runs by value (then by length, so `01` and `1` still differ), other runs as
 * text. Falls back to plain text order, so two different ids never compare equal. Walks both ids in place:
 * sorting a day of history compares ids millions of times, and splitting each into arrays dominated it.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const e = runEnd(a, i);
    const f = runEnd(b, j);
    if (isDigit(a, i) && isDigit(b, j)) {
      // Leading zeros skipped, keeping the last digit, so the value compares by length and then as text.
      let zi = i;
      while (zi < e - 1 && a.charCodeAt(zi) === ZERO) zi++;
      let zj = j;
      while (zj < f - 1 && b.charCodeAt(zj) === ZERO) zj++;
      if (e - zi !== f - zj) return e - zi < f - zj ? -1 : 1;
      const value = compareSpans(a, zi, e, b, zj, f);
      if (value !== 0) return value;
      if (e - i !== f - j) return e - i < f - j ? -1 : 1;
    } else {
      const text = compareSpans(a, i, e, b, j, f);
      if (text !== 0) return text;
    }
    i = e;
    j = f;
  }
  // One ran out of runs first: fewer runs sort first.
  if (i < a.length || j < b.length) return i < a.length ? 1 : -1;
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
