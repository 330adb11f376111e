/**
 * `JSON.stringify(value, null, 2)` in pieces: the objects of the first `splitDepth` levels are opened entry by entry,
 * everything below is encoded whole. At 100,000 VMs a simulation's JSON is 76 MB; as one string and then one Buffer
 * it cost more CPU to encode and collect than to compute (bench/growth), while its pieces are each a few hundred
 * bytes, encoded and written as they come.
 */
import { unbuiltEntries } from '../report/formats/lazy-record';

/** What JSON.stringify encodes entry by entry in the same way: a plain object with no `toJSON` of its own. */
function isOpenable(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  // Boxed primitives print as their value.
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** An entry as JSON.stringify prints it: through its `toJSON`, called with the entry's key (not the empty one). */
function printed(entry: unknown, key: string): unknown {
  if ((typeof entry === 'object' && entry !== null) || typeof entry === 'bigint') {
    const toJSON = (entry as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(entry, key);
  }
  return entry;
}

/** Values JSON.stringify leaves out of an object (their key too). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** `value` encoded whole, as it appears `depth` levels deep in an indented document. */
function nested(value: unknown, depth: number): string {
  const text = JSON.stringify(value, null, 2);
  // Encoded JSON has no raw line break except its own indentation (strings escape theirs as \n).
  return depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/**
 * Entries of one object handed to each JSON.stringify call when they are encoded whole: one call per entry (and
 * re-indenting its text) cost more than twice the encoding itself for 100,000 VMs; a few dozen per call keep the
 * pieces small (tens of KB) and the calls few.
 */
const ENTRIES_PER_CALL = 64;

/**
 * The text between the braces of `batch` (an object whose entries are all encoded whole) as it prints `depth` levels
 * deep, from its first entry's line break to its last entry's end; '' when JSON.stringify leaves every entry out.
 * Wrapped in `depth` arrays, JSON.stringify indents it where it stands, so its text needs no re-indenting.
 */
function entriesText(batch: Record<string, unknown>, depth: number): string {
  let wrapped: unknown = batch;
  let opening = '';
  let closing = '';
  for (let level = 0; level < depth; level++) {
    wrapped = [wrapped];
    opening += `[\n${'  '.repeat(level + 1)}`;
    closing = `\n${'  '.repeat(level)}]${closing}`;
  }
  const text = JSON.stringify(wrapped, null, 2);
  // `{}`: no entry printed.
  if (text.charCodeAt(opening.length + 1) === 0x7d) return '';
  return text.slice(opening.length + 1, text.length - closing.length - depth * 2 - 2);
}

/** An object whose entries are encoded whole, a batch of them per JSON.stringify call; same text as one per entry. */
function* wholeEntries(value: Record<string, unknown>, depth: number): Generator<string> {
  yield* wholeEntryList(ownEntries(value), depth);
}

function* ownEntries(value: Record<string, unknown>): Generator<readonly [string, unknown]> {
  for (const key of Object.keys(value)) yield [key, value[key]];
}

/** `wholeEntries` of the object these entries (in its key order) make up, without the object. */
function* wholeEntryList(entries: Iterable<readonly [string, unknown]>, depth: number): Generator<string> {
  let first = true;
  let batch: Record<string, unknown> | undefined;
  let size = 0;
  function* flush(): Generator<string> {
    if (!batch) return;
    const text = entriesText(batch, depth);
    batch = undefined;
    size = 0;
    if (text === '') return;
    yield `${first ? '{' : ','}${text}`;
    first = false;
  }
  for (const [key, entry] of entries) {
    // Null prototype: a `__proto__` key is an entry like any other. Keys go in the object's key order, which the
    // batch keeps (integer-like keys, which objects list first, come first in each batch as they do in the object).
    batch ??= Object.create(null) as Record<string, unknown>;
    batch[key] = entry;
    if (++size === ENTRIES_PER_CALL) yield* flush();
  }
  yield* flush();
  yield first ? '{}' : `\n${'  '.repeat(depth)}}`;
}

function* pieces(value: unknown, depth: number, splitDepth: number): Generator<string> {
  if (depth >= splitDepth || !isOpenable(value)) {
    yield nested(value, depth);
    return;
  }
  if (depth + 1 >= splitDepth) {
    yield* wholeEntries(value, depth);
    return;
  }
  const inner = `\n${'  '.repeat(depth + 1)}`;
  let first = true;
  for (const key of Object.keys(value)) {
    // A record built only when read: its entries are encoded whole at the next level, so they are taken as they come.
    const unbuilt = depth + 2 >= splitDepth ? unbuiltEntries(value, key) : undefined;
    if (unbuilt) {
      yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}: `;
      first = false;
      yield* wholeEntryList(unbuilt, depth + 1);
      continue;
    }
    const entry = printed(value[key], key);
    if (isOmitted(entry)) continue;
    yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* pieces(entry, depth + 1, splitDepth);
  }
  yield first ? '{}' : `\n${'  '.repeat(depth)}}`;
}

/** The pieces whose concatenation is exactly `JSON.stringify(value, null, 2)` (for a JSON-encodable value). */
export function jsonObjectPieces(value: unknown, splitDepth = 2): Generator<string> {
  return pieces(value, 0, splitDepth);
}

/** `JSON.stringify(value, null, 2)` and a line break, as the commands print a document, in pieces as they are made. */
export function* jsonDocumentLines(value: unknown): Generator<string> {
  yield* jsonObjectPieces(value);
  yield '\n';
}
