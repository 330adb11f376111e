import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byId, compareText } from '../../src/model/event-order';

const id = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('vm-1', 'vm-10', 'vm-2', 'VM-1', 'é', 'e\u0301', ''));
const sign = (n: number) => Math.sign(n);

describe('byId and compareText: the one entity order', () => {
  it('is a total order: reflexive zero, antisymmetric, transitive, zero only for equal ids', () => {
    fc.assert(
      fc.property(id, id, id, (a, b, c) => {
        expect(compareText(a, a)).toBe(0);
        expect(sign(compareText(a, b)) + sign(compareText(b, a))).toBe(0);
        expect(compareText(a, b) === 0).toBe(a === b);
        if (compareText(a, b) <= 0 && compareText(b, c) <= 0) expect(compareText(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('sorts the same whatever order the entities arrive in', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 20 }), (ids) => {
        const entities = ids.map((x) => ({ id: x }));
        const sorted = [...entities].sort(byId).map((e) => e.id);
        const reversed = [...entities]
          .reverse()
          .sort(byId)
          .map((e) => e.id);
        expect(reversed).toEqual(sorted);
      }),
    );
  });

  it('orders by UTF-16 code units, not the locale: upper case before lower, 10 before 2', () => {
    expect(
      ['vm-2', 'b', 'vm-10', 'B', 'a']
        .map((x) => ({ id: x }))
        .sort(byId)
        .map((e) => e.id),
    ).toEqual(['B', 'a', 'b', 'vm-10', 'vm-2']);
  });
});
