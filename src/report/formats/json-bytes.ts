import { LentBytes } from './encoded-text';
/** A quote, backslash, control character or UTF-16 surrogate: what JSON.stringify may write otherwise than as it is. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON.stringify escapes
const MAY_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** Strings per run given to `JsonBytes.strings` by writers of long lists: a few kilobytes of short ids. */
export const STRING_RUN = 256;

/** Whether every entry of `values` is a string (a list `JsonBytes.strings` can write). */
export function allStrings(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

/** The UTF-8 of an ASCII text written once, copied for every line that repeats it. */
export function asciiBytes(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.toString('utf8') !== text) throw new Error('asciiBytes: not ASCII');
  return bytes;
}

/** Copies `bytes` into `buffer` at `at` (room made before: `JsonBytes.reserve`); returns where they end. */
export function copyInto(buffer: Buffer, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  // A key and its punctuation (a few dozen bytes): a loop costs less than a call into `set`.
  for (let i = 0; i < n; i++) buffer[at + i] = bytes[i]!;
  return at + n;
}

/**
 * Writes `value` into `buffer` at `at` (room for its length made before: `JsonBytes.reserve`) as `JSON.stringify`
 * prints it between its quotes when that is the value itself: printable ASCII with no quote or backslash (ids,
 * fingerprints, times), a code unit per byte. Returns where it ends, or -1 at the first other code unit (escaped, past
 * ASCII, or DEL, which prints as it is but is left to the general way too): the bytes written until then are to be
 * written over, the caller going the general way.
 */
export function plainInto(buffer: Buffer, at: number, value: string): number {
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) return -1;
    buffer[at + i] = c;
  }
  return at + n;
}

/**
 * UTF-8 of JSON text written straight into one buffer, lent out (`take`) once about `pieceBytes` are in it and then
 * written over: hundreds of thousands of short lines (an unverified group's members, a compliance view's ids) written
 * without a string per line, a rope of them to flatten, an encoding pass over that, or new memory per piece. A string
 * that is printable ASCII with nothing to escape (ids, fingerprints, times) is copied a code unit per byte; any other
 * goes through JSON.stringify, so the text is always what JSON.stringify prints.
 */
export class JsonBytes {
  private buffer: Buffer;
  private used = 0;
  /** Pieces lent so far: a lent piece is valid while it is the last one and nothing was written since. */
  private lends = 0;
  /** Whether every byte written so far is known to be ASCII: then the text has as many characters as bytes. */
  private asciiOnly = true;

  constructor(private readonly pieceBytes: number) {
    this.buffer = Buffer.allocUnsafe(pieceBytes * 2);
  }

  /**
   * Whether every byte written so far (all pieces) is known to be ASCII, so the text has as many characters as bytes
   * (false also after bytes copied whole, which are not looked at).
   */
  get ascii(): boolean {
    return this.asciiOnly;
  }

  /** Whether a piece's worth is written: the caller takes it (`take`) at the next line's boundary. */
  get full(): boolean {
    return this.used >= this.pieceBytes;
  }

  /**
   * The bytes written since the last piece, or undefined when none: lent, valid until the next write, which writes
   * over them (the caller copies, hashes or hands them on before it writes again).
   */
  take(): Buffer | undefined {
    if (this.used === 0) return undefined;
    const piece = this.buffer.subarray(0, this.used);
    this.used = 0;
    return piece;
  }

  /**
   * `take`'s bytes as a piece of a document, which throws when read after this buffer wrote over them: a reader that
   * collects pieces (`[...formatJsonParts(r)]`) instead of writing each before the next fails instead of printing
   * other bytes.
   */
  lend(): LentBytes | undefined {
    const piece = this.take();
    if (piece === undefined) return undefined;
    const at = ++this.lends;
    return new LentBytes(piece, () => this.lends === at && this.used === 0);
  }

  /** Room for `bytes` more: the buffer grows for a line longer than a piece (a large evidence object). */
  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(larger, 0, 0, this.used);
    this.buffer = larger;
  }

  /**
   * The buffer, with room for `bytes` more from `end` on, for a writer that fills it itself (`copyInto`,
   * `plainInto`) and then says where it stopped (`wroteTo`): a line of several fields written with one check for room
   * and no call per field.
   */
  reserve(bytes: number): Buffer {
    this.room(bytes);
    return this.buffer;
  }

  /** Where the next byte goes in `reserve`'s buffer. */
  get end(): number {
    return this.used;
  }

  /** The bytes up to `end` (from `reserve`'s buffer) are written; they are not looked at, so not known to be ASCII. */
  wroteTo(end: number): void {
    this.used = end;
    this.asciiOnly = false;
  }

  /** Bytes encoded before (`asciiBytes`, an `EncodedText`'s). */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.room(n);
    const buffer = this.buffer;
    let at = this.used;
    // Short runs are most of them (a key, a separator): a loop costs less than a call into `set` for those.
    if (n <= 32) {
      let any = 0;
      for (let i = 0; i < n; i++) {
        const byte = bytes[i]!;
        any |= byte;
        buffer[at++] = byte;
      }
      if (any > 0x7f) this.asciiOnly = false;
    } else {
      buffer.set(bytes, at);
      at += n;
      this.asciiOnly = false;
    }
    this.used = at;
  }

  /** Any text, encoded as UTF-8 (a lone surrogate as U+FFFD, as a joined text's encoding does). */
  text(text: string): void {
    this.room(text.length * 3);
    const written = this.buffer.write(text, this.used, 'utf8');
    if (written !== text.length) this.asciiOnly = false;
    this.used += written;
  }

  /** `JSON.stringify(value)` of a string. */
  string(value: string): void {
    const n = value.length;
    this.room(n + 2);
    const buffer = this.buffer;
    const start = this.used;
    let at = start;
    buffer[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // A control character, quote or backslash is escaped, and anything past ASCII takes more than a byte.
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.used = start;
        this.text(JSON.stringify(value));
        return;
      }
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.used = at;
  }

  /**
   * `JSON.stringify` of each of `values` (strings), `between` between them (not before the first). When none of them
   * has anything to escape, one `join` writes the run and one native encoding copies it: a compliance view's lists
   * are millions of short ids, for which a loop over their characters cost more. Runs of a few thousand characters
   * keep the strings joined small (the caller slices long lists).
   */
  strings(values: readonly string[], between: string): void {
    if (values.length === 0) return;
    if (MAY_ESCAPE.test(values.join(''))) {
      for (let i = 0; i < values.length; i++) {
        if (i > 0) this.text(between);
        this.string(values[i]!);
      }
      return;
    }
    this.text(`"${values.join(`"${between}"`)}"`);
  }
}

/** Lists shorter than this are written each time they come: only long ones are worth a buffer of their own. */
const REPEATED_LIST_MIN = 1024;

/** `values` (strings) written as `open`, their JSON texts with `between` between them, then `close`. */
function writeStringList(out: JsonBytes, values: readonly string[], open: string, between: string): void {
  out.text(open);
  for (let start = 0; start < values.length; start += STRING_RUN) {
    if (start > 0) out.text(between);
    out.strings(values.length <= STRING_RUN ? values : values.slice(start, start + STRING_RUN), between);
  }
}

/** A list's bytes as one layout writes it, in a buffer of their own. */
interface ListBytes {
  layout: string;
  bytes: Buffer;
  ascii: boolean;
}

/**
 * Long lists of strings that a value holds more than once, the same array each time, encoded once and then copied or
 * hashed as bytes wherever they come again. The compliance view lists every rule's unverified resources, and on a
 * fleet whose data is sparse 25 rules' lists are the evaluated list of 100,000 VMs itself (`buildCompliance`): encoded
 * 25 times, it was most of the view's cost in the document and in the stored view's digest.
 */
export class RepeatedLists {
  private readonly seen = new Map<readonly unknown[], number>();
  private readonly encoded = new Map<readonly unknown[], ListBytes>();
  /** Long lists a walk went through to their end (`walked`), and whether every entry is a string. */
  private readonly strings = new Map<readonly unknown[], boolean>();

  /**
   * Counts one place where `list` comes (every place, before any is written); true when a walk went through it to its
   * end before (`walked`) and found only strings, which are what they were at any depth: a caller that walks each
   * place looks at the same array once, not 25 times.
   */
  see(list: readonly unknown[]): boolean {
    if (list.length < REPEATED_LIST_MIN) return false;
    this.seen.set(list, (this.seen.get(list) ?? 0) + 1);
    return this.strings.get(list) === true;
  }

  /**
   * A walk went through `list` to its end, `strings` saying whether every entry is a string. Marked only at the end,
   * so a list met again inside itself (a cycle) is walked again, as deep as the walker goes.
   */
  walked(list: readonly unknown[], strings: boolean): void {
    if (list.length >= REPEATED_LIST_MIN) this.strings.set(list, strings);
  }

  /** `allStrings(list)`, looked up for a long list walked before. */
  allStrings(list: readonly unknown[]): boolean {
    return this.strings.get(list) ?? allStrings(list);
  }

  /**
   * The bytes of `writeStringList(values, open, between)` then `close`, when `values` comes more than once (else
   * undefined: written where it is, as before). A list written with another layout than the first time is written
   * where it is too.
   */
  bytes(values: readonly string[], open: string, between: string, close: string): ListBytes | undefined {
    if (values.length < REPEATED_LIST_MIN || (this.seen.get(values) ?? 0) < 2) return undefined;
    const layout = `${open}\u0000${between}\u0000${close}`;
    const known = this.encoded.get(values);
    if (known !== undefined) return known.layout === layout ? known : undefined;
    // The bytes of an ASCII list, and room for what `text` asks before it writes a run (three bytes a character):
    // the buffer then never grows (a copy into new memory of twice the size).
    let estimate = open.length + close.length;
    let run = 0;
    let longestRun = open.length + close.length;
    for (let i = 0; i < values.length; i++) {
      const chars = values[i]!.length + 2 + between.length;
      estimate += chars;
      run = i % STRING_RUN === 0 ? chars : run + chars;
      if (run > longestRun) longestRun = run;
    }
    const out = new JsonBytes(Math.ceil((estimate + 3 * longestRun) / 2));
    writeStringList(out, values, open, between);
    out.text(close);
    const own = { layout, bytes: out.take() ?? Buffer.alloc(0), ascii: out.ascii };
    this.encoded.set(values, own);
    return own;
  }
}
