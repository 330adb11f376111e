/**
 * `JSON.stringify(value, null, 2)` as it appears `depth` levels deep in an indented document, written directly
 * instead of stringified and then re-indented line by line: at 750,000 findings the re-indenting and the finding
 * objects built for it were a third of `audit --format json`'s CPU.
 *
 * Only plain data is written here (strings, numbers, booleans, null, arrays, objects whose prototype is Object's or
 * null, with no `toJSON`): anything else (a Date, a class instance, a boxed primitive, a bigint, a cycle) gives
 * `undefined` and the caller falls back to JSON.stringify, so the text is always what JSON.stringify would print.
 */

/** Deeper than this is left to JSON.stringify (which reports a cycle as a TypeError, as before). */
const MAX_DEPTH = 64;

const INDENTS: string[] = [];
/** A line break and `depth` levels of two spaces. */
export function lineAt(depth: number): string {
  let text = INDENTS[depth];
  if (text === undefined) {
    text = `\n${'  '.repeat(depth)}`;
    INDENTS[depth] = text;
  }
  return text;
}

/** Thrown inside the walk when a value is not plain data; never escapes `prettyJson`. */
const NOT_PLAIN = Symbol('not plain JSON data');

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** Text of a value that is present (not left out); `undefined` when JSON.stringify leaves it out of an object. */
function text(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw NOT_PLAIN;
      if (Array.isArray(value)) return arrayText(value, depth);
      if (!isPlainObject(value)) throw NOT_PLAIN;
      return objectText(value as Record<string, unknown>, depth);
    default:
      // bigint: JSON.stringify throws; let it say so.
      throw NOT_PLAIN;
  }
}

function arrayText(value: readonly unknown[], depth: number): string {
  if (value.length === 0) return '[]';
  const inner = lineAt(depth + 1);
  let out = '[';
  for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${inner}${text(value[i], depth + 1) ?? 'null'}`;
  return `${out}${lineAt(depth)}]`;
}

/**
 * Keys' texts: evidence repeats a few keys on every finding. Bounded in entries and in each key's length, so hostile
 * data cannot grow it without end: it lives as long as the process (a warm Lambda prints audit after audit), and keys
 * come from reported data, so a count alone let 10,000 keys of any length (and their texts) stay for good.
 */
const KEY_TEXTS = new Map<string, string>();
const MAX_KEY_TEXTS = 10_000;
/** Longer than any evidence key a rule names ("setting:Syslog.global.auditRecord.storageEnable" is 47). */
const MAX_KEY_CHARS = 128;

function keyText(key: string): string {
  let text = KEY_TEXTS.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (key.length <= MAX_KEY_CHARS && KEY_TEXTS.size < MAX_KEY_TEXTS) KEY_TEXTS.set(key, text);
  }
  return text;
}

function objectText(value: Record<string, unknown>, depth: number): string {
  const inner = lineAt(depth + 1);
  let out = '';
  for (const key of Object.keys(value)) {
    const entry = text(value[key], depth + 1);
    if (entry === undefined) continue;
    out += `${out === '' ? '{' : ','}${inner}${keyText(key)}: ${entry}`;
  }
  return out === '' ? '{}' : `${out}${lineAt(depth)}}`;
}

/**
 * The text `JSON.stringify(value, null, 2)` gives, each line after the first indented by `depth` levels, or
 * `undefined` when `value` is not plain data (or JSON.stringify would give undefined for it).
 */
export function prettyJson(value: unknown, depth = 0): string | undefined {
  try {
    return text(value, depth);
  } catch (err) {
    if (err === NOT_PLAIN) return undefined;
    throw err;
  }
}

/** `value` as JSON.stringify(…, null, 2) prints it nested `depth` levels deep, for any value JSON can encode. */
export function nestedJsonText(value: unknown, depth: number): string {
  const fast = prettyJson(value, depth);
  if (fast !== undefined) return fast;
  return JSON.stringify(value, null, 2).replaceAll('\n', lineAt(depth));
}
