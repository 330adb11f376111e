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

/** Characters gathered into one piece by `prettyJsonPieces`. */
const PIECE_CHARS = 1 << 16;

/** Text appended in order, handed out in pieces of about `PIECE_CHARS`. */
class Pieces {
  readonly done: string[] = [];
  private text = '';
  add(text: string): void {
    this.text += text;
    if (this.text.length >= PIECE_CHARS) {
      this.done.push(this.text);
      this.text = '';
    }
  }
  finish(): string[] {
    if (this.text !== '') this.done.push(this.text);
    this.text = '';
    return this.done;
  }
}

/** A quote, backslash, control character or UTF-16 surrogate: what JSON.stringify may write otherwise than as it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON.stringify escapes
const MAY_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** Characters of text joined per run in `addStrings`: runs stay well under a piece (`PIECE_CHARS`). */
const RUN_CHARS = 1 << 12;

function allStrings(value: readonly unknown[]): boolean {
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return false;
  return true;
}

/**
 * A non-empty list of strings (a compliance record's ids: a million lines at 100,000 VMs), joined a run at a time:
 * when no string of the run needs escaping, its text is the strings between quotes, so one `join` writes it instead of
 * a JSON.stringify and two appends per line. A run with anything to escape is written string by string.
 */
function addStrings(value: readonly string[], depth: number, out: Pieces): void {
  const inner = lineAt(depth + 1);
  const between = `",${inner}"`;
  for (let start = 0; start < value.length; ) {
    let end = start;
    let chars = 0;
    while (end < value.length && chars < RUN_CHARS) chars += value[end++]!.length + inner.length + 3;
    const run = value.slice(start, end);
    const open = start === 0 ? `[${inner}` : `,${inner}`;
    if (!MAY_ESCAPE.test(run.join(''))) out.add(`${open}"${run.join(between)}"`);
    else for (let i = 0; i < run.length; i++) out.add(`${i === 0 ? open : `,${inner}`}${JSON.stringify(run[i])}`);
    start = end;
  }
  out.add(`${lineAt(depth)}]`);
}

/** Containers are opened here, so a long list (a compliance record's ids) is never one string; the rest is `text`. */
function addPieces(value: unknown, depth: number, out: Pieces): void {
  if (typeof value !== 'object' || value === null) {
    // Only containers' entries and the top value come here, and both handle a left-out value before calling.
    out.add(text(value, depth)!);
    return;
  }
  if (depth >= MAX_DEPTH) throw NOT_PLAIN;
  const inner = lineAt(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.add('[]');
      return;
    }
    if (allStrings(value)) {
      addStrings(value as string[], depth, out);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      out.add(i === 0 ? `[${inner}` : `,${inner}`);
      const entry = value[i];
      if (typeof entry === 'object' && entry !== null) addPieces(entry, depth + 1, out);
      else out.add(text(entry, depth + 1) ?? 'null');
    }
    out.add(`${lineAt(depth)}]`);
    return;
  }
  if (!isPlainObject(value)) throw NOT_PLAIN;
  let first = true;
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (typeof entry === 'object' && entry !== null) {
      out.add(`${first ? '{' : ','}${inner}${keyText(key)}: `);
      addPieces(entry, depth + 1, out);
    } else {
      const leaf = text(entry, depth + 1);
      if (leaf === undefined) continue;
      out.add(`${first ? '{' : ','}${inner}${keyText(key)}: ${leaf}`);
    }
    first = false;
  }
  out.add(first ? '{}' : `${lineAt(depth)}}`);
}

/**
 * `nestedJsonText(value, depth)` in pieces of about 64 K characters: what a compliance record's id lists (2.5 million
 * lines at 100,000 VMs) are written as, instead of one string of 56 MB.
 */
export function nestedJsonPieces(value: unknown, depth: number): string[] {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    return [nestedJsonText(value, depth)];
  try {
    const out = new Pieces();
    addPieces(value, depth, out);
    return out.finish();
  } catch (err) {
    if (err === NOT_PLAIN) return [nestedJsonText(value, depth)];
    throw err;
  }
}
