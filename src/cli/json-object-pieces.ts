/**
 * `JSON.stringify(value, null, 2)` in pieces: the objects of the first `splitDepth` levels are opened entry by entry,
 * everything below is encoded whole. At 100,000 VMs a simulation's JSON is 76 MB; as one string and then one Buffer
 * it cost more CPU to encode and collect than to compute (bench/growth), while its pieces are each a few hundred
 * bytes, encoded and written as they come.
 */

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

function* pieces(value: unknown, depth: number, splitDepth: number): Generator<string> {
  if (depth >= splitDepth || !isOpenable(value)) {
    yield nested(value, depth);
    return;
  }
  const inner = `\n${'  '.repeat(depth + 1)}`;
  let first = true;
  for (const key of Object.keys(value)) {
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
