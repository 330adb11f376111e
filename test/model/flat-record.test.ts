import { describe, expect, it } from 'vitest';
import { sameFlatRecord } from '../../src/model/flat-record';

describe('Function: sameFlatRecord', () => {
  it('is true exactly when both records print the same JSON from plain values, in key order', () => {
    const a = { 'setting:A': 5, 'settingReported:A': false, note: null, s: 'x' };
    expect(sameFlatRecord(a, { ...a })).toBe(true);
    expect(sameFlatRecord({ n: 0 }, { n: -0 })).toBe(true);
    expect(sameFlatRecord({}, {})).toBe(true);
    const cases: [unknown, unknown][] = [
      [a, { 'settingReported:A': false, 'setting:A': 5, note: null, s: 'x' }], // key order
      [a, { ...a, extra: 1 }],
      [{ ...a, extra: 1 }, a],
      [a, { ...a, s: 'y' }],
      [{ n: 5 }, { n: '5' }],
      [{ n: Number.NaN }, { n: Number.NaN }],
      [{ o: { k: 1 } }, { o: { k: 1 } }], // nested: not compared
      [{ l: [1] }, { l: [1] }],
      [{ u: undefined }, { u: undefined }],
      [[1], [1]],
      [null, null],
      ['x', 'x'],
      [{ d: 1 }, Object.assign(Object.create({ inherited: 1 }), { d: 1 })],
      [{ t: 1 }, { t: 1, toJSON: () => 'x' }],
    ];
    for (const [x, y] of cases) expect(sameFlatRecord(x, y)).toBe(false);
  });

  it('answers false (the caller builds the text) when Object.prototype carries an enumerable key', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      expect(sameFlatRecord({ a: 1, polluted: 1 }, { a: 1 })).toBe(false);
      expect(sameFlatRecord({ a: 1 }, { a: 1 })).toBe(false);
    } finally {
      delete proto.polluted;
    }
  });
});
