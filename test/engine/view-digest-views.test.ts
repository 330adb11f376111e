import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewDigest } from '../../src/engine/finding-digest';
import type { Finding } from '../../src/model/finding';
import { referenceDigest } from '../support/reference-view-digest';

const all = (findings: readonly Finding[]) =>
  viewDigest(
    findings,
    findings.map((_, i) => i),
  );

const controls = [{ framework: 'vsphere-8-scg', id: 'x' }];
const shared = { missing: ['setting:A'], collect: ['collect A'] };

/** Findings of a few rules whose fields mostly repeat, as a group's do: every path of the digest's memory is taken. */
const findingArb = (i: number) =>
  fc
    .record({
      rule: fc.constantFrom('r1', 'r2', 'r3'),
      status: fc.constantFrom('open', 'unverified', 'unverified', 'waived', 'resolved'),
      named: fc.boolean(),
      cluster: fc.constantFrom('c-1', 'c-1', 'c-1', 'c-2', undefined),
      datacenter: fc.constantFrom('dc-1', 'dc-1', 'dc-1', undefined),
      evidence: fc.constantFrom<Record<string, unknown>>(
        { 'setting:A': 4, 'settingReported:A': false },
        { 'setting:A': 4, 'settingReported:A': false },
        { 'setting:A': 4, 'settingReported:A': false },
        { 'setting:A': 4, 'settingReported:A': false },
        { 'settingReported:A': false, 'setting:A': 4 },
        { 'setting:A': '4', 'settingReported:A': false },
        { 'setting:A': 4, nested: { k: [1, 'é'] } },
        { 'setting:A': 4, 'settingReported:A': undefined },
        { 'setting:A': Number.NaN },
      ),
      verify: fc.constantFrom<Finding['verify']>(
        shared,
        shared,
        { missing: ['setting:A'], collect: ['collect A'] },
        {
          missing: ['setting:B'],
          collect: ['collect B'],
        },
      ),
      title: fc.constantFrom('T', 'T', 'T2'),
      expires: fc.constantFrom('2027-01-01', undefined),
      hexFingerprint: fc.boolean(),
      // Fields of any status too (viewDigest is given stored findings' shapes, not only the audit's own).
      anyVerify: fc.boolean(),
      anyWaiver: fc.constantFrom(false, false, false, true),
      anyResolution: fc.constantFrom(false, false, false, true),
    })
    .map((p): Finding => {
      const f: Finding = {
        fingerprint: p.hexFingerprint ? i.toString(16).padStart(32, '0') : `fp-${i}`,
        ruleId: p.rule,
        pack: 'hardening',
        severity: 'medium',
        category: 'hardening',
        resourceType: 'vm',
        resourceId: `vm-${i}`,
        title: p.title,
        evidence: p.evidence,
        controls,
        remediation: 'fix',
        status: p.status as Finding['status'],
        firstSeen: '2026-12-01T00:00:00.000Z',
        lastSeen: '2026-12-02T00:00:00.000Z',
      };
      if (p.named) f.resourceName = `name-${i}`;
      if (p.cluster !== undefined) f.cluster = p.cluster;
      if (p.datacenter !== undefined) f.datacenter = p.datacenter;
      if (f.status === 'unverified' || p.anyVerify) f.verify = p.verify;
      if (f.status === 'waived' || p.anyWaiver)
        f.waiver = { reason: 'r', owner: 'o', ...(p.expires && { expires: p.expires }) };
      if (f.status === 'resolved' || p.anyResolution) f.resolvedAt = '2026-12-02T00:00:00.000Z';
      return f;
    });
const groupArb = fc
  .integer({ min: 1, max: 30 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => findingArb(i))));

/** One field `sameView` compares, changed. */
const CHANGES: [string, (f: Finding) => Finding][] = [
  ['fingerprint', (f) => ({ ...f, fingerprint: `${f.fingerprint}0` })],
  ['status', (f) => ({ ...f, status: f.status === 'open' ? 'unverified' : 'open' })],
  ['severity', (f) => ({ ...f, severity: 'high' })],
  ['category', (f) => ({ ...f, category: 'perimeter' })],
  ['pack', (f) => ({ ...f, pack: 'other' })],
  ['title', (f) => ({ ...f, title: `${f.title}!` })],
  ['remediation', (f) => ({ ...f, remediation: 'other' })],
  ['rationale', (f) => ({ ...f, rationale: 'why' })],
  ['resourceName', (f) => ({ ...f, resourceName: `${f.resourceName ?? ''}x` })],
  ['cluster', (f) => ({ ...f, cluster: `${f.cluster ?? ''}x` })],
  ['datacenter', (f) => ({ ...f, datacenter: `${f.datacenter ?? ''}x` })],
  ['resolvedAt', (f) => ({ ...f, resolvedAt: '2026-12-03T00:00:00.000Z' })],
  ['waiver', (f) => ({ ...f, waiver: { reason: `${f.waiver?.reason ?? ''}x`, owner: 'o' } })],
  ['waiver owner', (f) => ({ ...f, waiver: { reason: 'r', owner: `${f.waiver?.owner ?? ''}x` } })],
  ['waiver expiry', (f) => ({ ...f, waiver: { reason: 'r', owner: 'o', expires: `${f.waiver?.expires ?? ''}9` } })],
  ['verify', (f) => ({ ...f, verify: { missing: ['setting:C'], collect: ['collect C'] } })],
  ['controls', (f) => ({ ...f, controls: [{ framework: 'cis', id: 'y' }] })],
  ['evidence', (f) => ({ ...f, evidence: { ...f.evidence, extra: 1 } })],
  ['evidence value', (f) => ({ ...f, evidence: { 'setting:A': 5, 'settingReported:A': false } })],
];

describe('Function: viewDigest, views', () => {
  it('is the digest of each finding’s view built alone, whatever it remembered from the findings before', () => {
    fc.assert(
      fc.property(groupArb, (findings) => {
        expect(all(findings)).toBe(referenceDigest(findings));
        expect(all(structuredClone(findings))).toBe(all(findings));
      }),
      { numRuns: 300 },
    );
  });

  it('changes when any field sameView compares changes, on any finding, and not when only its times do', () => {
    fc.assert(
      fc.property(groupArb, fc.nat(), fc.constantFrom(...CHANGES), (findings, which, [, change]) => {
        const at = which % findings.length;
        const before = all(findings);
        const changed = [...findings];
        changed[at] = change(findings[at]!);
        if (JSON.stringify(changed[at]) === JSON.stringify(findings[at])) return;
        expect(all(changed)).not.toBe(before);
        const retimed = [...findings];
        retimed[at] = { ...findings[at]!, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-12-09T00:00:00.000Z' };
        expect(all(retimed)).toBe(before);
      }),
      { numRuns: 600 },
    );
  });

  it('changes when the same findings come in another order', () => {
    fc.assert(
      fc.property(groupArb, (findings) => {
        if (findings.length < 2) return;
        const swapped = [findings[1]!, findings[0]!, ...findings.slice(2)];
        expect(all(swapped)).not.toBe(all(findings));
      }),
      { numRuns: 100 },
    );
  });
});
