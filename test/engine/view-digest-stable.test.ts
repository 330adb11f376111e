import { describe, expect, it } from 'vitest';
import { viewDigest } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';
import { referenceDigest } from '../support/reference-view-digest';

/** Findings of the shapes a group holds: clusters and statuses in runs, a waiver, what to collect shared and not. */
function fixture(): Finding[] {
  const verify = { missing: ['setting:A'], collect: ['collect A'] };
  const out: Finding[] = [];
  for (let i = 0; i < 40; i++) {
    const f: Finding = {
      fingerprint: `${(i * 7919).toString(16).padStart(8, '0')}${'ab'.repeat(12)}`,
      ruleId: i % 3 === 0 ? 'esxi.a' : 'vm.b',
      pack: 'hardening',
      severity: i % 3 === 0 ? 'high' : 'medium',
      category: 'hardening',
      resourceType: i % 3 === 0 ? 'host' : 'vm',
      resourceId: `r-${i}`,
      title: 'T',
      evidence: { 'setting:A': i % 2 === 0 ? null : i, nested: { k: [i, 'é'] } },
      controls: [{ framework: 'vsphere-8-scg', id: 'x' }],
      remediation: 'fix “it”',
      status: i < 10 ? 'open' : i < 30 ? 'unverified' : 'waived',
      firstSeen: '2026-12-01T00:00:00.000Z',
      lastSeen: '2026-12-02T00:00:00.000Z',
    };
    if (i % 5 !== 0) f.resourceName = `name-${i}`;
    f.cluster = i < 20 ? 'c-1' : 'c-2';
    if (i % 4 !== 0) f.datacenter = 'dc-1';
    if (f.status === 'unverified') f.verify = i % 2 === 0 ? verify : { missing: ['setting:A'], collect: ['collect A'] };
    if (f.status === 'waived') f.waiver = { reason: 'r', owner: 'o', ...(i % 2 === 0 && { expires: '2027-01-01' }) };
    out.push(f);
  }
  return out;
}

/**
 * Findings whose evidence is flat and repeats, as unverified findings of a rule have it (the assumed defaults), mixed
 * with the cases whose line must not be taken from the previous finding of the rule: other evidence values, key
 * order, clusters, datacenters, what to collect, a waiver, a resolution.
 */
function flatFixture(): Finding[] {
  const shared = { missing: ['setting:A'], collect: ['collect A'] };
  return fixture().map((f, i) => {
    const g: Finding = { ...f, evidence: { 'setting:A': i % 7 === 0 ? 5 : 4, 'settingReported:A': false } };
    if (i % 11 === 0) g.evidence = { 'settingReported:A': false, 'setting:A': 4 };
    if (i % 13 === 0) g.evidence = { 'setting:A': '4', 'settingReported:A': false };
    if (g.status === 'unverified') g.verify = i % 9 === 0 ? { missing: ['setting:B'], collect: ['collect B'] } : shared;
    if (i % 8 === 0) g.cluster = 'c-3';
    if (i === 17 || i === 23) {
      g.status = 'resolved';
      g.resolvedAt = '2026-12-02T00:00:00.000Z';
    }
    return g;
  });
}

/**
 * Findings of one rule with equal flat evidence and one shared list of what to collect, in which each finding differs
 * from the one before in one field the line's text after the resource's name is built from (a cluster, a
 * datacenter, a resolution, a waiver, the rule's texts, what to collect), then the next is that one's again.
 */
function placementFixture(): Finding[] {
  const verify = { missing: ['setting:A'], collect: ['collect A'] };
  const changes: Partial<Finding>[] = [
    {},
    {},
    { cluster: 'c-2' },
    { cluster: 'c-2' },
    { datacenter: undefined },
    { datacenter: undefined, status: 'resolved', resolvedAt: '2026-12-02T00:00:00.000Z' },
    { datacenter: undefined },
    { datacenter: undefined, status: 'waived', waiver: { reason: 'r', owner: 'o' } },
    { datacenter: undefined },
    { datacenter: undefined, title: 'T2' },
    { datacenter: undefined },
    { datacenter: undefined, verify: { missing: ['setting:B'], collect: ['collect B'] } },
    { datacenter: undefined },
  ];
  return changes.map((change, i) => ({
    fingerprint: `${i.toString(16).padStart(8, '0')}${'cd'.repeat(28)}`,
    ruleId: 'vm.b',
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `r-${i}`,
    resourceName: `name-${i}`,
    cluster: 'c-1',
    datacenter: 'dc-1',
    title: 'T',
    evidence: { 'setting:A': 4, 'settingReported:A': false },
    controls: [{ framework: 'vsphere-8-scg', id: 'x' }],
    remediation: 'fix',
    status: 'unverified',
    firstSeen: '2026-12-01T00:00:00.000Z',
    lastSeen: '2026-12-02T00:00:00.000Z',
    verify,
    ...change,
  }));
}

/** The digest of every finding given, in their order, and the reference's (built from each view alone) beside it. */
const digests = (findings: readonly Finding[]) => [
  viewDigest(
    findings,
    findings.map((_, i) => i),
  ),
  referenceDigest(findings),
];

// The digests' second form (2026-12-05, `digestcost`: bytes in the evaluation's order). Records written since carry
// digests of this form: a change of its value makes every audit read every group once (docs/audit-read-at-scale.md).
describe('Function: viewDigest', () => {
  it('gives the digest stored records hold when only a placement, resolution, waiver or rule text changes', () => {
    const d = '13:bfec2cf3244df59bdc200afd5d10f0df415b741ad38120d5d5cdd8e6989dcf4e';
    expect(digests(placementFixture())).toEqual([d, d]);
  });

  it('gives the digest stored records hold for findings with flat, repeated evidence', () => {
    const d = '40:a75230c4823d235519b35a54abb40010d6e1de56f5265152732cf2017bd679cb';
    expect(digests(flatFixture())).toEqual([d, d]);
  });

  it('gives the digest stored records hold: a change of its text would make every audit read every group', () => {
    const d = '40:78abcb3af6e12c5c7a3edb3a8db71e8ed5487e7700652d8dbc760acb607152ab';
    expect(digests(fixture())).toEqual([d, d]);
  });
});
