import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortBySeverityThenId } from '../../src/engine/severity-order';
import { compareBySeverityThenId, type Finding } from '../../src/model/finding';

const finding = (i: number, severity: string, ruleId: string, resourceId: string): Finding =>
  ({
    fingerprint: `fp-${i}`,
    ruleId,
    pack: 'hardening',
    severity,
    category: 'hardening',
    resourceType: 'vm',
    resourceId,
    title: 'T',
    evidence: {},
    controls: [],
    remediation: 'R',
    status: 'open',
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-01T00:00:00.000Z',
  }) as Finding;

/** Severities the comparison knows and two it does not (stored findings are input), rules, ids with repeats. */
const entry = fc.tuple(
  fc.constantFrom('critical', 'high', 'medium', 'low', 'info', 'bogus', 'other'),
  fc.constantFrom('r.a', 'r.b', 'r.c', 'R.a', 'r.a2'),
  fc.constantFrom('vm-1', 'vm-10', 'vm-2', 'host-1', 'é', 'vm-1 '),
);

describe('Function: sortBySeverityThenId', () => {
  it('gives the order a stable sort by compareBySeverityThenId gives, equal findings in their order', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.boolean(), (entries, presorted) => {
        let findings = entries.map(([s, r, id], i) => finding(i, s, r, id));
        // Also as the evaluation gives them: by resource, then rule (each rule's list already in id order).
        if (presorted)
          findings = [...findings].sort((a, b) =>
            a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0,
          );
        const expected = [...findings].sort(compareBySeverityThenId);
        const got = sortBySeverityThenId(findings);
        // The same objects in the same places (equal-looking findings told apart by identity).
        expect(got.length).toBe(expected.length);
        expect(got.every((f, i) => f === expected[i])).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('with a filter, gives the sorted order of the findings the filter keeps, and only those', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(entry, fc.boolean()), { maxLength: 200 }), (entries) => {
        const findings = entries.map(([[s, r, id], resolved], i) => ({
          ...finding(i, s, r, id),
          status: resolved ? ('resolved' as const) : ('open' as const),
        }));
        const keep = (f: Finding) => f.status !== 'resolved';
        const expected = findings.filter(keep).sort(compareBySeverityThenId);
        const got = sortBySeverityThenId(findings, keep);
        expect(got.length).toBe(expected.length);
        expect(got.every((f, i) => f === expected[i])).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
