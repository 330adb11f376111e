import type { Hash } from 'node:crypto';

const CAPACITY = 1 << 16;
/** The size of the buffer a `DigestBytes` writes into. */
export const DIGEST_BUFFER_BYTES = CAPACITY;
/** The most bytes one code unit takes (`text`), and one count (a safe integer: 53 bits, 7 a byte). */
const UNIT_MAX = 3;
const COUNT_MAX = 8;

/**
 * Writes a digest's input as bytes straight into a SHA-256, 64 KiB at a time: a group digest hashes a few fields per
 * finding (750,000 at 100,000 VMs), and building a line of text per finding to hash it (then UTF-8 encoding it) was
 * most of its cost. Every value is self-delimiting, so a sequence of them reads back one way only:
 * - a count: 7 bits a byte, low bits first, the high bit set on all but the last byte;
 * - a text: its length in UTF-16 code units (a count), then each unit: one byte when below 0x80, else 0x80 and the
 *   unit's two bytes (a lone surrogate keeps its value, which UTF-8 would replace);
 * - an id: 32 lower-case hex digits (a fingerprint) as 0 and their 16 bytes, anything else as 1 and its text.
 */
export class DigestBytes {
  private at = 0;

  /**
   * `bytes` (of `DIGEST_BUFFER_BYTES`) may be one buffer passed to digests made one after another, never to two at
   * once: a plan's 313 group digests at 100,000 VMs would otherwise each take a new 64 KiB.
   */
  constructor(
    private readonly hash: Hash,
    private readonly bytes: Uint8Array = new Uint8Array(CAPACITY),
  ) {
    if (bytes.length !== CAPACITY) throw new RangeError(`digest buffer of ${bytes.length} bytes`);
  }

  /** A byte of its own, for tags that say what follows. */
  tag(value: number): void {
    if (this.at + 1 > CAPACITY) this.flush();
    this.bytes[this.at++] = value & 0xff;
  }

  count(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`digest count ${value}`);
    if (this.at + COUNT_MAX > CAPACITY) this.flush();
    this.countUnchecked(value);
  }

  /** `count` of a safe integer ≥ 0 with room for it. */
  private countUnchecked(value: number): void {
    let n = value;
    // Above 2^31 the bit operators would wrap: divide instead.
    while (n >= 0x80) {
      this.bytes[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.at++] = n;
  }

  text(s: string): void {
    const n = s.length;
    this.count(n);
    if (n * UNIT_MAX <= CAPACITY) {
      if (this.at + n * UNIT_MAX > CAPACITY) this.flush();
      this.units(s, 0, n);
      return;
    }
    // Longer than the buffer: a piece at a time.
    const step = Math.floor(CAPACITY / UNIT_MAX);
    for (let start = 0; start < n; start += step) {
      this.flush();
      this.units(s, start, Math.min(n, start + step));
    }
  }

  id(s: string): void {
    if (s.length === 32) {
      if (this.at + 17 > CAPACITY) this.flush();
      const end = this.fingerprintBytes(s, this.at + 1);
      if (end !== -1) {
        this.bytes[this.at] = 0;
        this.at = end;
        return;
      }
    }
    this.tag(1);
    this.text(s);
  }

  /**
   * One finding's record: `tag(tag)`, `id(id)`, `text(name)` when there is a name, `count(count)`, the same bytes with
   * one check of the room left instead of one per value (750,000 records at 100,000 VMs). A record that is not the
   * usual one (an id not a fingerprint, a name too long for the buffer) is written value by value.
   */
  record(tag: number, id: string, name: string | undefined, count: number): void {
    const nameBytes = name === undefined ? 0 : COUNT_MAX + name.length * UNIT_MAX;
    if (id.length === 32 && Number.isSafeInteger(count) && count >= 0 && 1 + 17 + nameBytes + COUNT_MAX <= CAPACITY) {
      if (this.at + 1 + 17 + nameBytes + COUNT_MAX > CAPACITY) this.flush();
      const start = this.at;
      const k = this.fingerprintBytes(id, start + 2);
      if (k !== -1) {
        this.bytes[start] = tag & 0xff;
        this.bytes[start + 1] = 0;
        this.at = k;
        if (name !== undefined) {
          this.countUnchecked(name.length);
          this.units(name, 0, name.length);
        }
        this.countUnchecked(count);
        return;
      }
    }
    this.tag(tag);
    this.id(id);
    if (name !== undefined) this.text(name);
    this.count(count);
  }

  /**
   * The 16 bytes of `s`, 32 characters long, written at `k` when it is a fingerprint (32 lower-case hex digits): the
   * index after them, else -1 (bytes from `k` on may then have been written over; the caller has not advanced past them).
   */
  private fingerprintBytes(s: string, k: number): number {
    const b = this.bytes;
    for (let i = 0; i < 32; i += 2) {
      const hi = s.charCodeAt(i);
      const lo = s.charCodeAt(i + 1);
      // Negative when either is no lower-case hex digit (the table's -1 shifted or or-ed in).
      const byte = (hi | lo) > 0xff ? -1 : (HEX_VALUES[hi]! << 4) | HEX_VALUES[lo]!;
      if (byte < 0) return -1;
      b[k++] = byte;
    }
    return k;
  }

  /** Hashes what is buffered and returns the hash, to digest or to write more into. */
  end(): Hash {
    this.flush();
    return this.hash;
  }

  private units(s: string, from: number, to: number): void {
    const b = this.bytes;
    let k = this.at;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b[k++] = c;
      else {
        b[k++] = 0x80;
        b[k++] = c >>> 8;
        b[k++] = c & 0xff;
      }
    }
    this.at = k;
  }

  private flush(): void {
    if (this.at === 0) return;
    this.hash.update(this.bytes.subarray(0, this.at));
    this.at = 0;
  }
}

/** Each code below 256: its value as a lower-case hex digit, else -1 (`hexValue`). */
const HEX_VALUES = Int8Array.from({ length: 256 }, (_, c) => hexValue(c));

/** A lower-case hex digit's value, else -1 (upper case is another text: the fingerprint's is lower case). */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}
