import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGEST_BUFFER_BYTES, DigestBytes } from '../../src/engine/digest-bytes';

const written = (write: (out: DigestBytes) => void) => {
  const out = new DigestBytes(createHash('sha256'));
  write(out);
  return out.end().digest('hex');
};

const ids = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.stringMatching(/^[0-9a-fA-F]{32}$/),
  fc.string({ minLength: 32, maxLength: 32 }),
  fc.string({ maxLength: 40 }),
);
const names = fc.option(
  fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constant('é\ud800x')),
  { nil: undefined },
);

// `record` writes a finding's four values with one check of the buffer's room: the bytes must be those of the four
// calls, wherever in the buffer the record falls (its end included) and whatever the id and name are.
describe('Method: DigestBytes.record', () => {
  it('writes what tag, id, text of the name and count write, at any place in the buffer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        ids,
        names,
        fc.oneof(fc.nat(300), fc.constant(2 ** 40)),
        fc.oneof(fc.nat(20), fc.integer({ min: (1 << 16) - 80, max: (1 << 16) + 5 })),
        (tag, id, name, count, before) => {
          const filler = (o: DigestBytes) => {
            for (let i = 0; i < before; i++) o.tag(i);
          };
          const one = written((o) => {
            filler(o);
            o.record(tag, id, name, count);
            o.record(tag, id, name, count);
          });
          const each = written((o) => {
            filler(o);
            for (let k = 0; k < 2; k++) {
              o.tag(tag);
              o.id(id);
              if (name !== undefined) o.text(name);
              o.count(count);
            }
          });
          expect(one).toBe(each);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('writes a name longer than the buffer holds, and refuses a count that is not one', () => {
    const long = 'ü'.repeat(30_000);
    const id = '0123456789abcdef0123456789abcdef';
    expect(written((o) => o.record(5, id, long, 3))).toBe(
      written((o) => {
        o.tag(5);
        o.id(id);
        o.text(long);
        o.count(3);
      }),
    );
    expect(() => written((o) => o.record(4, id, undefined, -1))).toThrow(RangeError);
    expect(() => written((o) => o.record(4, id, undefined, 1.5))).toThrow(RangeError);
  });

  it('gives one buffer passed to digests made one after another the bytes each new buffer gets', () => {
    const buffer = new Uint8Array(DIGEST_BUFFER_BYTES);
    const id = '0123456789abcdef0123456789abcdef';
    const first = new DigestBytes(createHash('sha256'), buffer);
    first.record(5, id, 'x'.repeat(40_000), 1);
    first.end();
    const second = new DigestBytes(createHash('sha256'), buffer);
    second.record(4, id, undefined, 2);
    expect(second.end().digest('hex')).toBe(written((o) => o.record(4, id, undefined, 2)));
    expect(() => new DigestBytes(createHash('sha256'), new Uint8Array(16))).toThrow(RangeError);
  });
});
