import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The embedded store's reader of stored items (src/store/stored-item-json.cjs), which lets the key scan send an item's
 * stored bytes without parsing it: pinned against what dynalite itself does with the parsed item (its item size, its
 * projection, JSON.stringify), on hostile items.
 */
const require = createRequire(import.meta.url);
interface Member {
  name: string;
  start: number;
  end: number;
}
interface ItemBytes {
  byteLength: number;
  add(value: Buffer, members: Member[]): void;
  addText(bytes: Buffer): void;
  copyTo(target: Buffer, at: number): number;
}
const stored = require('../../src/store/stored-item-json.cjs') as {
  readMembers(buf: Buffer): Member[] | undefined;
  storedItemSize(buf: Buffer, members: Member[], rangeKey: string | undefined, itemSize: unknown): number;
  membersToSend(members: Member[], names: string[] | undefined): Member[];
  ItemBytes: new () => ItemBytes;
};
const db = require(require.resolve('dynalite/db', { paths: [require.resolve('dynalite')] })) as {
  itemSize(item: unknown, compress?: boolean, addMetaSize?: boolean, rangeKey?: string): number;
  mapPaths(paths: string[], item: unknown): unknown;
};

// Strings with what JSON escapes (quotes, backslashes, control characters), lone surrogates (JSON.stringify writes
// them as \uXXXX), multi-byte and astral characters, and lengths around dynalite's 128 and 16,384 size steps.
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\u007f', 'ü', '✓', '𝄞', '\ud800', '\udfff', '/', '\u2028'))
    .map((cs) => cs.join('')),
  fc.constantFrom('x'.repeat(127), 'x'.repeat(128), 'é'.repeat(200), 'y'.repeat(16_383), 'z'.repeat(16_384), ''),
);
const numberText = fc.oneof(
  fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }).map(String),
  fc.constantFrom('0', '-0', '1000', '-12300', '1796407232227', '0.5', '-0.00012', '1e10', '1.2300E+5', '00012'),
);
const base64 = fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString('base64'));
type AttributeValue = Record<string, unknown>;
const attributeValue: fc.Arbitrary<AttributeValue> = fc.letrec<{ av: AttributeValue }>((tie) => ({
  av: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ S: hostileText }),
    fc.record({ N: numberText }),
    fc.record({ B: base64 }),
    fc.record({ BOOL: fc.boolean() }),
    fc.record({ NULL: fc.constant(true) }),
    fc.record({ SS: fc.uniqueArray(hostileText, { minLength: 1, maxLength: 3 }) }),
    fc.record({ NS: fc.uniqueArray(numberText, { minLength: 1, maxLength: 3 }) }),
    fc.record({ BS: fc.uniqueArray(base64, { minLength: 1, maxLength: 3 }) }),
    fc.record({ L: fc.array(tie('av'), { maxLength: 3 }) }),
    // Nested maps whose keys are the top level's names: only the top level may be read as members.
    fc.record({ M: fc.dictionary(fc.constantFrom('pk', 'sk', 'e', '10', 'x"y'), tie('av'), { maxKeys: 3 }) }),
  ),
})).av;
// Top-level names: the table's keys, array-index names (V8 orders those first), escaped and non-ASCII ones.
const names = ['e', 'at', 'expiresAt', '10', '2', '0', '01', '4294967295', 'a"b', 'x\\y', 'n\u0001', 'ü', '𝄞', ''];
const item = fc
  .tuple(hostileText, hostileText, fc.dictionary(fc.constantFrom(...names), attributeValue, { maxKeys: 6 }))
  .map(([pk, sk, rest]) => ({ pk: { S: pk }, sk: { S: sk }, ...rest }));
const projection = fc.uniqueArray(fc.constantFrom('pk', 'sk', 'absent', ...names), { maxLength: 6 });

describe('stored items read from their bytes', () => {
  it("gives dynalite's item size, and sends exactly the text dynalite builds for any projection", () => {
    fc.assert(
      fc.property(item, fc.option(projection), (value, paths) => {
        const text = JSON.stringify(value);
        const buf = Buffer.from(text, 'utf8');
        const members = stored.readMembers(buf);
        expect(members).toBeDefined();
        const parsed = JSON.parse(text);
        for (const rangeKey of ['sk', undefined])
          expect(stored.storedItemSize(buf, members!, rangeKey, db.itemSize)).toBe(
            db.itemSize(parsed, true, true, rangeKey),
          );
        const bytes = new stored.ItemBytes();
        bytes.add(buf, stored.membersToSend(members!, paths ?? undefined));
        const out = Buffer.alloc(bytes.byteLength);
        expect(bytes.copyTo(out, 0)).toBe(out.length);
        expect(out.toString('utf8')).toBe(JSON.stringify(paths ? db.mapPaths(paths, parsed) : parsed));
      }),
      { numRuns: 400 },
    );
  });

  it('joins several items with commas, stored or built as text, and counts their bytes exactly', () => {
    const texts = [{ pk: { S: 'a' }, at: { N: '1' }, e: { S: '"' } }, { pk: { S: 'b' } }, {}].map((v) =>
      Buffer.from(JSON.stringify(v)),
    );
    const bytes = new stored.ItemBytes();
    bytes.add(texts[0]!, stored.membersToSend(stored.readMembers(texts[0]!)!, ['e', 'pk']));
    bytes.addText(Buffer.from('{"built":{"S":"✓"}}'));
    bytes.add(texts[1]!, stored.readMembers(texts[1]!)!);
    bytes.add(texts[2]!, stored.readMembers(texts[2]!)!);
    const out = Buffer.alloc(bytes.byteLength + 4, 0x20);
    expect(bytes.copyTo(out, 2)).toBe(2 + bytes.byteLength);
    expect(out.toString('utf8')).toBe('  {"e":{"S":"\\""},"pk":{"S":"a"}},{"built":{"S":"✓"}},{"pk":{"S":"b"}},{}  ');
  });

  it("reads each item's own names where items before it had others of the same length at the same place", () => {
    const names = (value: object) => stored.readMembers(Buffer.from(JSON.stringify(value)))!.map((m) => m.name);
    expect(names({ pk: { S: 'a' }, ab: { N: '1' } })).toEqual(['pk', 'ab']);
    expect(names({ pk: { S: 'a' }, ac: { N: '1' } })).toEqual(['pk', 'ac']);
    expect(names({ pk: { S: 'a' }, 'a"': { N: '1' }, ab: { N: '1' } })).toEqual(['pk', 'a"', 'ab']);
    expect(names({ pk: { S: 'a' }, ab: { N: '1' } })).toEqual(['pk', 'ab']);
    expect(names({ '': { S: 'a' }, ü: { N: '1' } })).toEqual(['', 'ü']);
    expect(names({ pk: { S: 'a' }, ü: { N: '1' } })).toEqual(['pk', 'ü']);
  });

  it('refuses what JSON.stringify does not write, so the caller parses it as dynalite does', () => {
    const refused = [
      '',
      '[]',
      '{"pk":{"S":"a"},"pk":{"S":"b"}}',
      '{ "pk":{"S":"a"}}',
      '{"pk": {"S":"a"}}',
      '{"pk":{"S":"a"} }',
      '{"pk":{"S":"a\\x"}}',
      '{"pk":{"S":"a\\u12"}}',
      '{"pk":{"S":"a\u0001"}}',
      '{"pk":{"S":"a"}',
      '{"pk":{"S":"a"}}x',
      '{"pk":{"S":"a","N":"1"}}',
      '{"pk":"a"}',
      '{"pk":{"S":"a}}',
      '{"pk":{"Q":"a"}}',
    ];
    for (const text of refused) expect(stored.readMembers(Buffer.from(text, 'utf8')), text).toBeUndefined();
    expect(stored.readMembers(Buffer.from('{}'))).toEqual([]);
  });

  it('refuses a repeated name among many members, and reads an item of many distinct ones', () => {
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) many[`a${i}`] = { N: '1' };
    const text = JSON.stringify(many);
    expect(stored.readMembers(Buffer.from(text))).toHaveLength(5000);
    for (const at of [1, 15, 16, 17, 4999])
      expect(stored.readMembers(Buffer.from(`${text.slice(0, -1)},"a${at}":{"N":"2"}}`)), String(at)).toBeUndefined();
  });

  it('refuses an item that is not valid UTF-8: dynalite sends U+FFFD where its bytes are bad', () => {
    const bad = [
      [0xc3, 0x28, 0xff, 0xe2, 0x82],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xa2],
      [0xf4, 0x90, 0x80, 0x80],
    ];
    for (const bytes of bad) {
      const buf = Buffer.concat([Buffer.from('{"pk":{"S":"a'), Buffer.from(bytes), Buffer.from('"}}')]);
      expect(stored.readMembers(buf), bytes.join(' ')).toBeUndefined();
      const inName = Buffer.concat([Buffer.from('{"pk":{"S":"a"},"'), Buffer.from(bytes), Buffer.from('":{"N":"1"}}')]);
      expect(stored.readMembers(inName), bytes.join(' ')).toBeUndefined();
    }
    expect(stored.readMembers(Buffer.from('{"pk":{"S":"aü✓𝄞"}}'))).toBeDefined();
  });

  it('refuses escapes JSON.stringify does not write, which decode to what dynalite would send otherwise spelled', () => {
    for (const spelled of ['\\/', '\\u0041', '\\u001F', '\\u000a', '\\u0009', '\\ud83d\\ude00', '\\uD800'])
      expect(stored.readMembers(Buffer.from(`{"pk":{"S":"a${spelled}"}}`)), spelled).toBeUndefined();
    for (const spelled of ['\\u001f', '\\u0000', '\\ud800', '\\udfff', '\\udc00\\ud800', '\\ud800A'])
      expect(stored.readMembers(Buffer.from(`{"pk":{"S":"a${spelled}"}}`)), spelled).toBeDefined();
  });

  it("refuses a string attribute whose value is not a string: dynalite's size of it is not its strings' length", () => {
    for (const value of ['{"a":"bc"}', '["ab"]', '123', 'true'])
      expect(stored.readMembers(Buffer.from(`{"pk":{"S":"a"},"sk":{"S":${value}}}`)), value).toBeUndefined();
  });

  it('refuses a map, list or literal not spelled as JSON.stringify writes it (spaces, order of keys, numbers)', () => {
    const refused = [
      '{"pk":{"M":{ "a":{"S":"x"}}}}',
      '{"pk":{"M":{"b":{"S":"x"},"1":{"S":"y"}}}}',
      '{"pk":{"M":{"a":{"S":"x"},"a":{"S":"y"}}}}',
      '{"pk":{"L":[{"S":"x"} ]}}',
      '{"pk":{"BOOL":1e0}}',
      '{"pk":{"SS":["a", "b"]}}',
      '{"pk":{"L":[{"S":"\\/"}]}}',
      `{"pk":{"L":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
    ];
    for (const text of refused)
      expect(stored.readMembers(Buffer.from(text, 'utf8')), text.slice(0, 40)).toBeUndefined();
    expect(
      stored.readMembers(Buffer.from('{"pk":{"M":{"1":{"S":"y"},"b":{"BOOL":true}}},"l":{"L":[]}}')),
    ).toBeDefined();
  });

  it("sends a stored item as it is only when those are dynalite's bytes, with dynalite's size (mangled items)", () => {
    // JSON.stringify's text with other spellings of the same value put in: escapes, spaces, bad UTF-8, moved keys.
    const mangle = fc.constantFrom(
      (t: string) => t.replace('a', '\\u0061'),
      (t: string) => t.replace('/', '\\/'),
      (t: string) => t.replace('{"M":{', '{"M":{ '),
      (t: string) => t.replace('{"S":"', '{"S":["').replace(/("[^"]*"})/, '$1'),
      (t: string) => t.replace(/\\ud8([0-9a-f]{2})/, '\\uD8$1'),
      (t: string) => t.replace('true', 'true '),
      (t: string) => t,
    );
    fc.assert(
      fc.property(item, mangle, fc.boolean(), (value, change, badByte) => {
        let buf = Buffer.from(change(JSON.stringify(value)), 'utf8');
        if (badByte) buf = Buffer.concat([buf.subarray(0, 12), Buffer.from([0xff]), buf.subarray(12)]);
        let parsed: unknown;
        try {
          parsed = JSON.parse(buf.toString('utf8'));
        } catch {
          return;
        }
        const members = stored.readMembers(buf);
        if (members === undefined) return;
        expect(stored.storedItemSize(buf, members, 'sk', db.itemSize)).toBe(db.itemSize(parsed, true, true, 'sk'));
        const bytes = new stored.ItemBytes();
        bytes.add(buf, stored.membersToSend(members, undefined));
        const out = Buffer.alloc(bytes.byteLength);
        bytes.copyTo(out, 0);
        expect(out.equals(Buffer.from(JSON.stringify(parsed), 'utf8'))).toBe(true);
      }),
      { numRuns: 600 },
    );
  });
});
