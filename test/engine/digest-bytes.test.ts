import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestBytes } from '../../src/engine/digest-bytes';

const sha = (bytes: number[]) => createHash('sha256').update(Uint8Array.from(bytes)).digest('hex');
const written = (write: (out: DigestBytes) => void) => {
  const out = new DigestBytes(createHash('sha256'));
  write(out);
  return out.end().digest('hex');
};

describe('Class: DigestBytes', () => {
  it('writes counts 7 bits a byte, low bits first, past what the bit operators hold', () => {
    expect(written((o) => o.count(0))).toBe(sha([0]));
    expect(written((o) => o.count(127))).toBe(sha([127]));
    expect(written((o) => o.count(128))).toBe(sha([0x80, 1]));
    expect(written((o) => o.count(300))).toBe(sha([0xac, 0x02]));
    expect(written((o) => o.count(2 ** 32))).toBe(sha([0x80, 0x80, 0x80, 0x80, 0x10]));
    expect(() => written((o) => o.count(-1))).toThrow(RangeError);
    expect(() => written((o) => o.count(1.5))).toThrow(RangeError);
  });

  it('writes a count of any safe integer whole, however little room its buffer has left', () => {
    // 2^49 takes 8 bytes; the buffer (64 KiB) left with 5 bytes of room must be hashed before it, not overrun.
    const filler = (1 << 16) - 5;
    const big = 2 ** 49;
    const bytes = [...new Array<number>(filler).fill(7), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    expect(
      written((o) => {
        for (let i = 0; i < filler; i++) o.tag(7);
        o.count(big);
      }),
    ).toBe(sha(bytes));
    expect(written((o) => o.count(Number.MAX_SAFE_INTEGER))).toBe(
      sha([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    );
  });

  it('writes a text as its length, then each code unit: one byte below 0x80, else 0x80 and its two bytes', () => {
    expect(written((o) => o.text('ab'))).toBe(sha([2, 0x61, 0x62]));
    expect(written((o) => o.text('é'))).toBe(sha([1, 0x80, 0x00, 0xe9]));
    // Lone surrogates keep their values (UTF-8 would turn both into U+FFFD).
    expect(written((o) => o.text('\ud800'))).toBe(sha([1, 0x80, 0xd8, 0x00]));
    expect(written((o) => o.text('\ud800'))).not.toBe(written((o) => o.text('\udc00')));
  });

  it('writes a fingerprint as its 16 bytes, anything else that is not one as a text', () => {
    const fp = '0123456789abcdef0123456789abcdef';
    const bytes = [0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
    expect(written((o) => o.id(fp))).toBe(sha(bytes));
    const upper = fp.toUpperCase();
    expect(written((o) => o.id(upper))).toBe(sha([1, 32, ...[...upper].map((c) => c.charCodeAt(0))]));
    expect(written((o) => o.id(`${fp.slice(0, 31)}g`))).toBe(written((o) => (o.tag(1), o.text(`${fp.slice(0, 31)}g`))));
    expect(written((o) => o.id('fp-1'))).toBe(sha([1, 4, 0x66, 0x70, 0x2d, 0x31]));
  });

  it('hashes texts longer than its buffer, and many values past it, as the same bytes written at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat()), { maxLength: 40 }),
        // 3 code units a repeat: past the 21,845 units the 64 KiB buffer holds at 3 bytes each.
        fc.integer({ min: 7_300, max: 12_000 }),
        (values, long) => {
          const text = 'x\u00e9\ud83d'.repeat(long);
          const expected: number[] = [];
          const count = (n: number) => {
            while (n >= 0x80) {
              expected.push((n % 0x80) | 0x80);
              n = Math.floor(n / 0x80);
            }
            expected.push(n);
          };
          const units = (s: string) => {
            count(s.length);
            for (let i = 0; i < s.length; i++) {
              const c = s.charCodeAt(i);
              if (c < 0x80) expected.push(c);
              else expected.push(0x80, c >>> 8, c & 0xff);
            }
          };
          for (const v of values) typeof v === 'number' ? count(v) : units(v);
          units(text);
          for (const v of values) typeof v === 'number' ? count(v) : units(v);
          const got = written((o) => {
            for (const v of values) typeof v === 'number' ? o.count(v) : o.text(v);
            o.text(text);
            for (const v of values) typeof v === 'number' ? o.count(v) : o.text(v);
          });
          expect(got).toBe(sha(expected));
        },
      ),
      { numRuns: 5 },
    );
  });
});
