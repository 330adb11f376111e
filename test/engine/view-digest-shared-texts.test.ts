import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestTexts, viewDigest } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';
import { referenceDigest } from '../support/reference-view-digest';

const RULES = ['r1', 'r2', 'r3', 'r4'];
const controls = [{ framework: 'vsphere-8-scg', id: 'x' }];
const lists = [
  { missing: ['setting:A'], collect: ['collect A'] },
  { missing: ['setting:A', 'setting:B'], collect: ['collect A'] },
];
const evidences: Record<string, unknown>[] = [
  { 'setting:A': 4, 'settingReported:A': false },
  { 'setting:A': 5, 'settingReported:A': false },
  { 'setting:A': 4, nested: { k: [1] } },
];

/**
 * Groups as an audit's candidates have them: each resource's findings rule after rule in one order, a rule now and
 * then skipped, the lists and evidence objects shared between findings and groups, and a rule's fields (its title)
 * sometimes other in a later group or on one finding.
 */
const groupsArb: fc.Arbitrary<GroupPlan[]> = fc.array(
  fc.record({
    resources: fc.integer({ min: 1, max: 6 }),
    skip: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 }),
    title: fc.constantFrom('T', 'T', 'T2'),
    odd: fc.integer({ min: 0, max: 40 }),
    list: fc.integer({ min: 0, max: 1 }),
    evidence: fc.integer({ min: 0, max: 2 }),
    named: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);

type GroupPlan = {
  resources: number;
  skip: number[];
  title: string;
  odd: number;
  list: number;
  evidence: number;
  named: boolean;
};

function build(groups: readonly GroupPlan[]): { findings: Finding[]; indexes: number[][] } {
  const findings: Finding[] = [];
  const indexes: number[][] = [];
  groups.forEach((g, gi) => {
    const own: number[] = [];
    let k = 0;
    for (let r = 0; r < g.resources; r++)
      for (const rule of RULES) {
        if (g.skip.includes(k++)) continue;
        const unverified = (k + gi) % 5 !== 0;
        const f: Finding = {
          fingerprint: (findings.length * 7919).toString(16).padStart(32, '0'),
          ruleId: rule,
          pack: 'hardening',
          severity: 'medium',
          category: 'hardening',
          resourceType: 'vm',
          resourceId: `vm-${gi}-${r}`,
          title: `${g.title}${k === g.odd ? '!' : ''} ${rule}`,
          evidence: evidences[(g.evidence + (unverified ? 0 : r)) % evidences.length]!,
          controls,
          remediation: 'fix',
          status: unverified ? 'unverified' : 'open',
          firstSeen: '2026-12-01T00:00:00.000Z',
          lastSeen: '2026-12-02T00:00:00.000Z',
          cluster: `c-${gi}`,
          datacenter: 'dc-1',
        };
        if (g.named) f.resourceName = `vm-${gi}-${r}`;
        if (unverified) f.verify = lists[g.list]!;
        own.push(findings.length);
        findings.push(f);
      }
    indexes.push(own);
  });
  return { findings, indexes };
}

// The texts of rule fields and lists are kept from one group's digest to the next (`planDigests`), and each finding's
// rule is first looked for after the previous finding's: neither may change any group's digest.
describe('Function: viewDigest, texts kept between groups', () => {
  it('gives each group the digest of its findings alone, with or without the texts of the groups before', () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        const { findings, indexes } = build(groups);
        const texts = new DigestTexts();
        for (const own of indexes) {
          const alone = referenceDigest(own.map((i) => findings[i]!));
          expect(viewDigest(findings, own, texts)).toBe(alone);
          expect(viewDigest(findings, own)).toBe(alone);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tells a rule whose fields changed between two groups by its new text', () => {
    const { findings, indexes } = build([
      { resources: 2, skip: [], title: 'T', odd: 99, list: 0, evidence: 0, named: true },
      { resources: 2, skip: [], title: 'T2', odd: 99, list: 0, evidence: 0, named: true },
    ]);
    const texts = new DigestTexts();
    viewDigest(findings, indexes[0]!, texts);
    expect(viewDigest(findings, indexes[1]!, texts)).toBe(referenceDigest(indexes[1]!.map((i) => findings[i]!)));
  });
});
