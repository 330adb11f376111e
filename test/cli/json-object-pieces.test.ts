import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/app/simulate';
import { jsonObjectPieces } from '../../src/cli/json-object-pieces';
import { fleetOf } from '../simulation/helpers';

const joined = (value: unknown, splitDepth?: number) => [...jsonObjectPieces(value, splitDepth)].join('');

describe('jsonObjectPieces', () => {
  it('joins to exactly what JSON.stringify(value, null, 2) prints, whatever the depth it opens', () => {
    const value = {
      a: 1,
      empty: {},
      emptyList: [],
      skipped: undefined,
      fn: () => 1,
      nested: { deeper: { list: [1, { x: 'multi\nline "quoted"' }], none: null }, gone: undefined, n: -0.5 },
      dated: new Date(0),
      withToJson: { toJSON: () => ({ replaced: true }) },
      '__proto__ key': { 'ü\u2028': 'text' },
      list: [{ a: [] }, 'b'],
    };
    for (const depth of [0, 1, 2, 3, 4]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
  });

  it('prints entries through their toJSON as JSON.stringify does: with their key, and left out when it gives undefined', () => {
    const value = {
      gone: { toJSON: () => undefined },
      keyed: { inner: { toJSON: (key: string) => `key ${key}` }, date: new Date(0) },
      boxed: { n: Object(1), s: Object('s'), b: Object(false) },
      last: { toJSON: () => ({ opened: { deeper: [] } }) },
    };
    for (const depth of [0, 1, 2, 3]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
  });

  it('prints top-level values that are not objects as JSON.stringify does', () => {
    for (const value of [null, 0, 'text', [1, [2]], {}, [], { only: undefined }])
      expect(joined(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('prints objects of many entries as JSON.stringify does, whole batches of entries left out included', () => {
    // Own `__proto__` keys, integer-like keys (listed first), a run of entries longer than a batch that prints nothing.
    const many: Record<string, unknown> = JSON.parse('{"__proto__": {"own": true}, "7": 7}');
    for (let i = 0; i < 150; i++) many[`e${i}`] = { i, text: `line\n${i}` };
    for (let i = 0; i < 140; i++) many[`gone${i}`] = i % 2 === 0 ? undefined : () => i;
    many['10'] = [10];
    many.keyed = { toJSON: (key: string) => `printed as ${key}` };
    for (let i = 0; i < 70; i++) many[`tail${i}`] = i % 3 === 0 ? { toJSON: () => undefined } : i;
    const value = {
      top: 1,
      many,
      nothing: Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`u${i}`, undefined])),
    };
    for (const depth of [0, 1, 2, 3]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
    expect(joined(many, 1)).toBe(JSON.stringify(many, null, 2));
  });

  it('prints any JSON document as JSON.stringify does: keys needing escapes, strings holding line breaks and indents', () => {
    // Strings that look like the printer's own indentation or structure, and keys JSON has to escape.
    const hostile = fc.constantFrom(
      '\n  "x": 1',
      '\n}',
      '  ',
      '"',
      '\\',
      '\u2028\u2029',
      '\ud800',
      '__proto__',
      'constructor',
      '7',
      '\t{[',
    );
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), hostile);
    const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { doc } = fc.letrec((tie) => ({
      doc: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('doc'), { maxLength: 3 }),
        fc.dictionary(text, tie('doc'), { maxKeys: 4 }),
        // More entries than one batch of a JSON.stringify call.
        fc.dictionary(text, leaf, { minKeys: 60, maxKeys: 140 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(text, doc, { maxKeys: 5 }), (value) => {
        for (const depth of [0, 1, 2, 3]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 150 },
    );
  });

  it('gives a simulation result byte for byte, in pieces of a few dozen hosts or VMs each', () => {
    const fleet = fleetOf(
      [
        { id: 'h1', cluster: 'c', cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 }, memoryMiB: 65536 },
        { id: 'h2', cluster: 'c', cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 }, memoryMiB: 65536 },
      ],
      Array.from({ length: 150 }, (_, v) => ({
        id: `vm${v}`,
        hostId: v % 2 === 0 ? 'h1' : 'h2',
        vcpus: 4,
        memoryMiB: 8192,
        labels: { app: 'db', role: 'replica' },
        workload: { cpuAvgPct: 20 + v, cpuPeakPct: 70 },
      })),
    );
    const result = runSimulation(fleet, { trials: 200 });
    const pieces = [...jsonObjectPieces(result)];
    expect(pieces.join('')).toBe(JSON.stringify(result, null, 2));
    const vmPieces = pieces.filter((p) => p.includes('"runningTimeFraction"'));
    expect(vmPieces.length).toBe(Math.ceil(Object.keys(result.vms).length / 64));
    for (const p of vmPieces) expect(p.split('"runningTimeFraction"').length - 1).toBeLessThanOrEqual(64);
  });
});
