import { LentBytes, type TextPiece } from './encoded-text';
import { asciiBytes, JsonBytes, RepeatedLists, STRING_RUN } from './json-bytes';
import { lineAt, nestedJsonText } from './pretty-json';

/** Deeper than this is left to JSON.stringify, as `prettyJson` leaves it (a cycle reported as a TypeError). */
const MAX_DEPTH = 64;
/** Bytes lent out at a time. */
const PIECE_BYTES = 1 << 16;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify leaves out of an object and prints as null in an array. */
function leftOut(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * Whether `value` is data `prettyJson` writes itself: arrays, plain objects and primitives, not too deep. Each array
 * met is counted in `lists` (the long ones that come more than once are then encoded once); a long one walked to its
 * end before is not walked again (the compliance view holds 25 times one list of 100,000 VMs).
 */
function plainTree(value: unknown, depth: number, lists: RepeatedLists): boolean {
  if (typeof value === 'bigint') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (depth >= MAX_DEPTH) return false;
  // Primitives are looked at here rather than in a call each: lists of millions of ids.
  if (Array.isArray(value)) {
    if (lists.see(value)) return true;
    let strings = true;
    for (let i = 0; i < value.length; i++) {
      const entry: unknown = value[i];
      if (typeof entry === 'string') continue;
      strings = false;
      if (typeof entry === 'object' ? entry !== null && !plainTree(entry, depth + 1, lists) : typeof entry === 'bigint')
        return false;
    }
    lists.walked(value, strings);
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value))
    if (!plainTree((value as Record<string, unknown>)[key], depth + 1, lists)) return false;
  return true;
}

/** `,` and a line break indented `depth` levels, as bytes: what comes between the entries of a long list. */
const BETWEEN: Uint8Array[] = [];
function between(depth: number): Uint8Array {
  let bytes = BETWEEN[depth];
  if (bytes === undefined) {
    bytes = asciiBytes(`,${lineAt(depth)}`);
    BETWEEN[depth] = bytes;
  }
  return bytes;
}

function leaf(value: unknown, out: JsonBytes): void {
  if (typeof value === 'string') out.string(value);
  else if (typeof value === 'number') out.text(Number.isFinite(value) ? String(value) : 'null');
  else if (typeof value === 'boolean') out.text(value ? 'true' : 'false');
  else out.text('null');
}

/** Writes plain data (`plainTree`) `depth` levels deep, lending out what is written about every `PIECE_BYTES`. */
function* write(value: unknown, depth: number, out: JsonBytes, lists: RepeatedLists): Generator<TextPiece> {
  if (typeof value !== 'object' || value === null) {
    leaf(value, out);
    return;
  }
  if (out.full) yield out.lend()!;
  const inner = lineAt(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.text('[]');
      return;
    }
    if (lists.allStrings(value)) {
      // A compliance view's id lists (millions of lines at 100,000 VMs) are most of it: a run of ids at a time.
      const ids = value as string[];
      const separator = `,${inner}`;
      // A list that comes again (a rule's unverified resources that are its whole evaluated list) is encoded once and
      // handed over as those bytes each time: what is written before it first, since it is a piece of its own.
      const own = lists.bytes(ids, `[${inner}`, separator, `${lineAt(depth)}]`);
      if (own !== undefined) {
        const before = out.lend();
        if (before !== undefined) yield before;
        yield new LentBytes(own.bytes);
        return;
      }
      out.text(`[${inner}`);
      for (let start = 0; start < ids.length; start += STRING_RUN) {
        if (start > 0) out.text(separator);
        out.strings(ids.length <= STRING_RUN ? ids : ids.slice(start, start + STRING_RUN), separator);
        if (out.full) yield out.lend()!;
      }
      out.text(`${lineAt(depth)}]`);
      return;
    }
    const next = between(depth + 1);
    for (let i = 0; i < value.length; i++) {
      if (i === 0) out.text(`[${inner}`);
      else out.bytes(next);
      const entry = value[i];
      if (typeof entry === 'object' && entry !== null) yield* write(entry, depth + 1, out, lists);
      else {
        leaf(leftOut(entry) ? null : entry, out);
        if (out.full) yield out.lend()!;
      }
    }
    out.text(`${lineAt(depth)}]`);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (leftOut(entry)) continue;
    out.text(first ? `{${inner}` : `,${inner}`);
    out.string(key);
    out.text(': ');
    first = false;
    yield* write(entry, depth + 1, out, lists);
  }
  out.text(first ? '{}' : `${lineAt(depth)}}`);
}

/**
 * `nestedJsonText(value, depth)` as UTF-8 lent out in pieces of about 64 KB (`LentBytes`), written straight into one
 * reused buffer: what a compliance view's id lists (2.5 million lines, 57 MB at 100,000 VMs of sparse data) are written
 * as, instead of strings joined, flattened and encoded again. Anything `prettyJson` would not write itself (a class
 * instance, a `toJSON`, a bigint, too deep) is `nestedJsonText`'s one string.
 */
export function* nestedJsonBytes(value: unknown, depth: number): Generator<TextPiece> {
  const lists = new RepeatedLists();
  if (leftOut(value) || !plainTree(value, depth, lists)) {
    yield nestedJsonText(value, depth);
    return;
  }
  const out = new JsonBytes(PIECE_BYTES);
  yield* write(value, depth, out, lists);
  const last = out.lend();
  if (last !== undefined) yield last;
}
