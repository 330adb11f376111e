import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../src/model/entity-state';
import { withoutStampsAfter } from '../../src/model/future-stamps';

const past = { time: '2026-11-01T00:00:00Z', id: 'e1' };
const future = { time: '2027-06-01T00:00:00Z', id: 'e2' };
const cutoff = Date.parse('2026-12-01T00:00:00Z');

const state = (over: Partial<EntityState>): EntityState => ({
  kind: 'vm',
  id: 'vm-1',
  fields: {},
  movements: [],
  ...over,
});

describe('withoutStampsAfter', () => {
  it('drops fields and lineage written after the cutoff and keeps the rest', () => {
    const { state: out, changed } = withoutStampsAfter(
      state({
        fields: { name: { v: 'a', s: past }, cpu: { v: 4, s: future } },
        lineage: { clonedFrom: { v: 'vm-0', s: past }, perimeter: { v: 'p', s: future } },
      }),
      cutoff,
    );
    expect(changed).toBe(true);
    expect(out.fields).toEqual({ name: { v: 'a', s: past } });
    expect(out.lineage).toEqual({ clonedFrom: { v: 'vm-0', s: past } });
  });

  it('reports a change when only the lineage held a future stamp', () => {
    const { changed } = withoutStampsAfter(
      state({ fields: { name: { v: 'a', s: past } }, lineage: { perimeter: { v: 'p', s: future } } }),
      cutoff,
    );
    expect(changed).toBe(true);
  });

  it('returns the same state object when nothing is after the cutoff', () => {
    const input = state({ fields: { name: { v: 'a', s: past } }, lineage: { clonedFrom: { v: 'vm-0', s: past } } });
    const result = withoutStampsAfter(input, cutoff);
    expect(result.changed).toBe(false);
    expect(result.state).toBe(input);
  });
});
