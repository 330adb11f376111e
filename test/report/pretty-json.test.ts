import { describe, expect, it } from 'vitest';
import { nestedJsonText, prettyJson } from '../../src/report/formats/pretty-json';

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
  [undefined, () => 1, Symbol('s'), , 2],
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
