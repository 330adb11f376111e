import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseAnswer } from '../../src/store/plain-item-responses';

/** Strings made of what cuts and frames are found by, escapes and quotes among ordinary text. */
const tricky = fc
  .array(
    fc.constantFrom('},{"', '}', ',', '{', '"', ']', '[', '\\', '"Items"', 'Items', 'a', 'pk', ':', ' ', '\u0001'),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));
const attribute = fc.oneof(
  tricky.map((S) => ({ S })),
  fc.integer().map((n) => ({ N: String(n) })),
  fc.array(tricky, { maxLength: 3 }).map((L) => ({ L: L.map((S) => ({ S })) })),
);
const item = fc.dictionary(fc.oneof(tricky, fc.constantFrom('pk', 'sk', 'e', '__proto__')), attribute, {
  minKeys: 0,
  maxKeys: 4,
});
const answer = fc.record(
  {
    Items: fc.array(item, { maxLength: 30 }),
    Count: fc.nat(),
    ScannedCount: fc.nat(),
    LastEvaluatedKey: fc.dictionary(
      fc.constantFrom('pk', 'sk'),
      tricky.map((S) => ({ S })),
    ),
  },
  { requiredKeys: ['Items'] },
);

describe('Function: parseAnswer', () => {
  it('gives what JSON.parse gives for any answer, wherever its pieces are cut', () => {
    fc.assert(
      fc.property(answer, fc.integer({ min: 1, max: 300 }), (value, pieceBytes) => {
        const bytes = Buffer.from(JSON.stringify(value));
        expect(parseAnswer(bytes, pieceBytes)).toStrictEqual(JSON.parse(bytes.toString('utf8')));
      }),
      { numRuns: 400 },
    );
  });

  it('gives what JSON.parse gives for texts of answers with what JSON.stringify never writes', () => {
    const texts = [
      // A later Items member wins in JSON.parse, also when it is spelled with an escape.
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2,"Items":[{"c":{"S":"3"}}]}',
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2,"\\u0049tems":[]}',
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2,"\\u0049tems":null}',
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Items":{"c":{"S":"3"}}}',
      '{"Items":[ ],"Count":0}',
      // Whitespace between the items and in them.
      '{"Items":[ {"a" : {"S":"1"}} ,\n{"b":{"S":"2"}}\t], "Count" :2}',
      // A string whose text looks like the items' end and the rest of an answer.
      '{"Items":[{"a":{"S":"x}],\\"Count\\":9}"}},{"b":{"S":"],\\"Items\\":[]}"}}],"Count":2}',
      // A duplicate member inside an item, and one named __proto__.
      '{"Items":[{"a":{"S":"1"},"a":{"S":"2"}},{"__proto__":{"S":"p"}}],"Count":2}',
    ];
    for (const text of texts)
      for (const pieceBytes of [1, 2, 5, 17, 1000])
        expect(parseAnswer(Buffer.from(text), pieceBytes)).toStrictEqual(JSON.parse(text));
  });

  it('refuses what JSON.parse refuses, whatever the pieces parse to', () => {
    const texts = [
      // Every piece and the rest parse on their own only if the cuts fall right: never a complete answer.
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}},],"Count":2}',
      '{"Items":[{"a":{"S":"1"}},,{"b":{"S":"2"}}],"Count":2}',
      '{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2',
      '{"Items":[{"a":{"S":"1"}} {"b":{"S":"2"}}],"Count":2}',
      '{"Items":[{"a":{"S":"1}},{"b":{"S":"2"}}],"Count":2}',
    ];
    for (const text of texts) {
      expect(() => JSON.parse(text)).toThrow();
      for (const pieceBytes of [1, 3, 11, 1000]) expect(parseAnswer(Buffer.from(text), pieceBytes)).toBeUndefined();
    }
  });

  it('gives what JSON.parse gives for an answer that does not open with its items, whatever its first bytes', () => {
    // Ten bytes like `{"Items":[` but for one, the items later, or another top level: only the exact opening is cut.
    const texts = [
      '{"Xtems":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2}',
      '{"Items":{"a":{"S":"1"}},"b":[{"c":{"S":"2"}},{"d":{"S":"3"}}],"Count":2}',
      '{"Count":2,"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}]}',
      '{ "Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2}',
      '[{"Items":[{"a":{"S":"1"}},{"b":{"S":"2"}}],"Count":2}]',
    ];
    for (const text of texts)
      for (const pieceBytes of [1, 5, 17])
        expect(parseAnswer(Buffer.from(text), pieceBytes)).toStrictEqual(JSON.parse(text));
    fc.assert(
      fc.property(answer, fc.integer({ min: 1, max: 300 }), fc.nat(), (value, pieceBytes, turn) => {
        // The same members in another order: Items anywhere, not only first.
        const keys = Object.keys(value);
        const turned = Object.fromEntries(
          keys.map((_, i) => keys[(i + turn) % keys.length]!).map((k) => [k, (value as Record<string, unknown>)[k]]),
        );
        const bytes = Buffer.from(JSON.stringify(turned));
        expect(parseAnswer(bytes, pieceBytes)).toStrictEqual(JSON.parse(bytes.toString('utf8')));
      }),
      { numRuns: 200 },
    );
  });

  it('parses a large ASCII answer in pieces: no string much longer than a piece goes to JSON.parse', () => {
    const items = Array.from({ length: 4000 }, (_, i) => ({ pk: { S: `VM#${i}` }, e: { S: 'x'.repeat(250) } }));
    const text = JSON.stringify({ Items: items, Count: items.length, ScannedCount: items.length });
    expect(text.length).toBeGreaterThan(1_000_000);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(parseAnswer(Buffer.from(text))).toStrictEqual(JSON.parse(text));
      const lengths = parse.mock.calls.slice(0, -1).map(([arg]) => String(arg).length);
      expect(lengths.length).toBeGreaterThan(10);
      expect(Math.max(...lengths)).toBeLessThan(64 * 1024 + 1024);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses an item larger than the reused piece buffer (1 MiB) as the others', () => {
    const items = [{ a: { S: 'x' } }, { big: { S: 'y'.repeat(1_100_000) } }, { b: { S: '},{"' } }];
    const text = JSON.stringify({ Items: items, Count: 3 });
    for (const pieceBytes of [1, 64 * 1024])
      expect(parseAnswer(Buffer.from(text), pieceBytes)).toStrictEqual(JSON.parse(text));
  });

  it('reads text beyond ASCII and bytes that are not UTF-8 as the whole decode does', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ pk: { S: `VM#${i}` }, e: { S: `é ☃ 😀 ${'x'.repeat(i)}` } }));
    const text = JSON.stringify({ Items: items, Count: 50 });
    expect(parseAnswer(Buffer.from(text), 64)).toStrictEqual(JSON.parse(text));
    const broken = Buffer.concat([
      Buffer.from('{"Items":[{"a":{"S":"'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}}]}'),
    ]);
    expect(parseAnswer(broken, 4)).toStrictEqual(JSON.parse(broken.toString('utf8')));
  });
});
