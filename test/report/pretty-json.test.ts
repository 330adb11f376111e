import { describe, expect, it } from 'vitest';
import { nestedJsonBytes } from '../../src/report/formats/nested-json-bytes';
import { nestedJsonText, prettyJson } from '../../src/report/formats/pretty-json';

/** The pieces' texts, each taken as it comes (lent bytes are written over by the next piece). */
const nestedJsonPieces = (value: unknown, depth: number): string[] =>
  Array.from(nestedJsonBytes(value, depth), (p) => (typeof p === 'string' ? p : p.text));

const reindented = (value: unknown, depth: number) =>
  JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);

const PLAIN: unknown[] = [
  'text with "quotes", \\ back\nslash, \u2028 and a lone surrogate \ud800',
  0,
  -0,
  1.5e-7,
  123456789012345680000,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  [],
  {},
  [1, [2, []], { a: {} }],
  { 'setting:Syslog.global.auditRecord.storageEnable': false, nested: { deeper: [null, 'x', { k: [] }] } },
  { left: undefined, fn: () => 1, kept: 1 },
  { onlyUndefined: undefined },
  // Arrays print what an object would leave out as null, holes included.
  Object.assign([undefined, () => 1, Symbol('s')], { 4: 2 }),
  Object.assign(Object.create(null) as object, { bare: 'prototype-less object' }),
  { __proto__: null, 'key "quoted"\n': 'v' },
];

describe('Function: prettyJson', () => {
  it.each(PLAIN.map((v, i) => [i, v]))('prints plain value %i as JSON.stringify(v, null, 2) re-indented', (_, v) => {
    for (const depth of [0, 1, 3]) expect(prettyJson(v, depth)).toBe(reindented(v, depth));
  });

  it('gives undefined for what is not plain data, so the caller falls back to JSON.stringify', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [new Date(0), { at: new Date(0) }, [new Map()], { n: Object(1) }, { big: 1n }, cyclic, undefined])
      expect(prettyJson(v, 2)).toBeUndefined();
  });

  it('falls back to JSON.stringify for values that are not plain data, with the same text and errors', () => {
    const dated = { at: new Date(0), list: [new Date(1)] };
    expect(nestedJsonText(dated, 2)).toBe(reindented(dated, 2));
    expect(() => nestedJsonText({ big: 1n }, 1)).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => nestedJsonText(cyclic, 1)).toThrow(TypeError);
  });
});

describe('Function: nestedJsonBytes', () => {
  it.each(PLAIN.map((v, i) => [i, v]))('gives plain value %i as nestedJsonText does, joined', (_, v) => {
    for (const depth of [0, 1, 3]) expect(nestedJsonPieces(v, depth).join('')).toBe(reindented(v, depth));
  });

  it('writes long id lists in pieces of about 64 KB, never one string', () => {
    const record = {
      at: '2026-12-04T00:00:00.000Z',
      rules: [
        { ruleId: 'r', failIds: Array.from({ length: 50_000 }, (_, i) => `vm-${i}`), waivedIds: [], skip: undefined },
      ],
    };
    const pieces = nestedJsonPieces(record, 1);
    expect(pieces.join('')).toBe(reindented(record, 1));
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((p) => Buffer.byteLength(p)))).toBeLessThan(70_000);
  });

  it('writes long string lists with escapes, separators inside strings and surrogates as JSON.stringify does', () => {
    const odd = ['","', 'quote " inside', 'back\\slash', 'tab\t', '\u001f', 'pair \ud83d\ude00', 'lone \udc00', ','];
    const more = ['lone \ud800', '\u2028 and \u2029', '__proto__', 'del \u007f', ''];
    const ids = Array.from({ length: 3_000 }, (_, i) => `vm-${i}`);
    // Every odd string placed (each in its own run), and a pair's halves in two neighbouring ids of one run.
    [...odd, ...more].forEach((s, k) => {
      ids[7 + k * 200] = s;
    });
    ids[2_900] = 'first half \ud83d';
    ids[2_901] = '\ude00 second half';
    const record = { rules: [{ failIds: ids, mixed: [...ids.slice(0, 300), 1, null, ...ids.slice(300, 900)] }] };
    for (const depth of [0, 1, 3]) expect(nestedJsonPieces(record, depth).join('')).toBe(reindented(record, depth));
  });

  it('writes a long top-level list of plain ids as JSON.stringify does, in a few pieces', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `host-${i}`);
    const pieces = nestedJsonPieces(ids, 2);
    expect(pieces.join('')).toBe(reindented(ids, 2));
    expect(pieces.length).toBeLessThan(10);
  });

  it('encodes a long list that comes more than once (one array) once, and hands over the same bytes each time', () => {
    const ids = Array.from({ length: 3_000 }, (_, i) => `vm-${i}`);
    ids[11] = 'quote " and lone \ud800';
    ids[2_000] = 'caf\u00e9 😀';
    const other = [...ids];
    // The same array thrice at one depth, once deeper (another layout), and an equal copy: all as JSON.stringify.
    const record = {
      rules: [
        { ruleId: 'a', unverifiedIds: ids, failIds: [] },
        { ruleId: 'b', unverifiedIds: ids, failIds: other },
        { ruleId: 'c', unverifiedIds: ids, deeper: { ids } },
      ],
    };
    for (const depth of [0, 1, 3]) expect(nestedJsonPieces(record, depth).join('')).toBe(reindented(record, depth));
    // Each piece's bytes taken as it comes (lent bytes are written over by the next): the list's are its own buffer.
    const bytes = Array.from(nestedJsonBytes(record, 1), (p) => (typeof p === 'string' ? undefined : p.bytes));
    const own = bytes.filter((b) => b !== undefined && bytes.indexOf(b) !== bytes.lastIndexOf(b));
    expect(own).toHaveLength(3);
    expect(own[0]!.toString()).toBe(reindented(ids, 4));
  });

  it('falls back to JSON.stringify’s text, or error, for what is not plain data', () => {
    const dated = { rules: [{ at: new Date(0) }] };
    expect(nestedJsonPieces(dated, 1)).toEqual([reindented(dated, 1)]);
    expect(() => nestedJsonPieces({ big: [1n] }, 1)).toThrow(TypeError);
  });
});
