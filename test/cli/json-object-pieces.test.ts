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

  it('gives a simulation result byte for byte, a piece per host and per VM at least', () => {
    const fleet = fleetOf(
      [
        { id: 'h1', cluster: 'c', cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 }, memoryMiB: 65536 },
        { id: 'h2', cluster: 'c', cpu: { sockets: 2, coresPerSocket: 8, mhz: 2400 }, memoryMiB: 65536 },
      ],
      Array.from({ length: 6 }, (_, v) => ({
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
    expect(pieces.length).toBeGreaterThan(Object.keys(result.vms).length + Object.keys(result.hosts).length);
  });
});
