import { describe, expect, it } from 'vitest';
import { sameJson } from '../../src/engine/lifecycle';

// The lifecycle writes a finding again when its evidence, controls or what to collect serialise differently;
// sameJson must answer exactly as comparing the JSON texts does, only faster when they are equal.
describe('Function: sameJson', () => {
  const cases: [unknown, unknown][] = [
    [
      { a: 1, b: [1, 'x', null] },
      { a: 1, b: [1, 'x', null] },
    ],
    [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
    [{ a: 1, u: undefined }, { a: 1 }],
    [[undefined], [null]],
    [Number.NaN, null],
    [{ n: -0 }, { n: 0 }],
    [{ d: new Date(0) }, { d: '1970-01-01T00:00:00.000Z' }],
    [{ a: [1, 2] }, { a: [1, 2, 3] }],
    [{ a: { b: 'x' } }, { a: { b: 'y' } }],
    [undefined, undefined],
    [undefined, null],
    ['1', 1],
  ];
  it.each(cases)('agrees with comparing JSON texts: %j vs %j', (a, b) => {
    expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
  });
});
