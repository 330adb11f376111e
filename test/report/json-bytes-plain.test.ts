import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyInto, JsonBytes, plainInto, RepeatedLists } from '../../src/report/formats/json-bytes';
import { nestedJsonBytes } from '../../src/report/formats/nested-json-bytes';

/** Strings as hostile data gives them: any code unit (quotes, backslashes, controls, DEL, lone surrogates, past ASCII). */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom('', 'vm-1', 'a"b', 'a\\b', '\u007f', '\u0000', '\u001f', ' ', '~', '\ud800', '\udc00x', 'é', '😀'),
);

describe('plainInto: the fast path of a JSON string', () => {
  it('writes a string only when JSON.stringify prints it as it is between quotes, a byte per code unit', () => {
    fc.assert(
      fc.property(anyString, fc.nat(8), (value, at) => {
        const buffer = Buffer.alloc(at + value.length + 1, 0xff);
        const end = plainInto(buffer, at, value);
        const printed = JSON.stringify(value);
        if (end < 0) {
          // Gone the general way: a code unit JSON.stringify escapes, or one UTF-8 writes as more than a byte.
          expect(
            printed !== `"${value}"` || Buffer.byteLength(value) !== value.length || value.includes('\u007f'),
          ).toBe(true);
          return;
        }
        expect(end).toBe(at + value.length);
        expect(`"${buffer.subarray(at, end).toString('utf8')}"`).toBe(printed);
        expect(buffer[end]).toBe(0xff);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes every printable ASCII string without a quote or backslash (ids, fingerprints, times)', () => {
    const plain = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(
        plain.filter((s) => !s.includes('"') && !s.includes('\\')),
        (value) => {
          const buffer = Buffer.alloc(value.length);
          expect(plainInto(buffer, 0, value)).toBe(value.length);
          expect(buffer.toString('latin1')).toBe(value);
        },
      ),
    );
  });

  it('copies bytes where it is told and says where they end', () => {
    const buffer = Buffer.alloc(8);
    expect(copyInto(buffer, 3, Buffer.from('abc'))).toBe(6);
    expect(buffer.subarray(3, 6).toString()).toBe('abc');
  });

  it('keeps what a writer put into the reserved room, and no longer calls the text ASCII', () => {
    const out = new JsonBytes(16);
    out.string('x');
    expect(out.ascii).toBe(true);
    const buffer = out.reserve(100);
    const end = copyInto(buffer, out.end, Buffer.from(',"caf\u00e9"'));
    out.wroteTo(end);
    expect(out.ascii).toBe(false);
    expect(out.take()!.toString()).toBe('"x","caf\u00e9"');
  });
});

describe('RepeatedLists: long lists walked once', () => {
  it('says a long list of strings was walked once a walk got to its end, and never before', () => {
    const lists = new RepeatedLists();
    const ids = Array.from({ length: 2000 }, (_, i) => `vm-${i}`);
    const mixed: unknown[] = [...ids, 1];
    const short = ['a', 'b'];
    // Met for the first time, and again while its walk has not ended (a list inside itself): walk it.
    expect(lists.see(ids)).toBe(false);
    expect(lists.see(ids)).toBe(false);
    lists.walked(ids, true);
    expect(lists.see(ids)).toBe(true);
    expect(lists.allStrings(ids)).toBe(true);
    // A list with anything else in it is walked wherever it comes (its entries may be deeper there).
    lists.see(mixed);
    lists.walked(mixed, false);
    expect(lists.see(mixed)).toBe(false);
    expect(lists.allStrings(mixed)).toBe(false);
    // A short one is not kept: looked at each time.
    lists.walked(short, true);
    expect(lists.see(short)).toBe(false);
    expect(lists.allStrings(short)).toBe(true);
  });

  it('writes a long list of strings that comes many times as JSON.stringify does, and refuses one inside itself', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => (i === 7 ? 'q"\ud800' : `vm-${i}`));
    const value = { rules: Array.from({ length: 30 }, (_, i) => ({ i, ids, deeper: i % 3 === 0 ? { ids } : [] })) };
    const text = Array.from(nestedJsonBytes(value, 1), (p) => (typeof p === 'string' ? p : p.text)).join('');
    expect(text).toBe(JSON.stringify(value, null, 2).replaceAll('\n', '\n  '));
    const cyclic: unknown[] = Array.from({ length: 2000 }, (_, i) => `vm-${i}`);
    cyclic.push(cyclic);
    expect(() => JSON.stringify({ cyclic })).toThrow(TypeError);
    expect(() => [...nestedJsonBytes({ a: cyclic, b: cyclic }, 1)]).toThrow(TypeError);
  });
});
