import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidateGroups } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';
import { unverifiedGroupOf } from '../../src/store/unverified-pages';

const candidate = ([resourceType, resourceId, cluster]: [Finding['resourceType'], string, string | undefined]) =>
  ({ resourceType, resourceId, ...(cluster !== undefined && { cluster }) }) as Finding;

const entry = fc.tuple(
  fc.constantFrom<Finding['resourceType']>('vm', 'host', 'cluster', 'perimeter'),
  fc.constantFrom('r1', 'r2', 'c1', 'c2'),
  fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: undefined }),
);

describe('Function: candidateGroups', () => {
  it("lists each candidate's index under its page group, in the candidates' order, groups by first member", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 120 }), (entries) => {
        const candidates = entries.map(candidate);
        const expected = new Map<string, number[]>();
        candidates.forEach((f, i) => {
          const group = unverifiedGroupOf(f);
          expected.set(group, [...(expected.get(group) ?? []), i]);
        });
        const got = candidateGroups(candidates);
        expect([...got].map(([group, indexes]) => [group, [...indexes]])).toEqual([...expected]);
      }),
      { numRuns: 300 },
    );
  });

  it('holds every group as a view of one array of the candidates’ size, not a list grown per group', () => {
    const candidates = Array.from({ length: 1000 }, (_, i) => candidate(['vm', `vm-${i}`, `c${i % 7}`]));
    const groups = [...candidateGroups(candidates).values()];
    expect(groups).toHaveLength(7);
    for (const indexes of groups) {
      expect(indexes).toBeInstanceOf(Int32Array);
      expect(indexes.buffer).toBe(groups[0]!.buffer);
    }
    expect(groups[0]!.buffer.byteLength).toBe(1000 * Int32Array.BYTES_PER_ELEMENT);
  });
});
