import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/engine/fingerprint';
import { lifecycleCandidates } from '../../src/engine/lifecycle';
import type { LoadedRule, RuleHit } from '../../src/engine/types';
import { waiverMatcher } from '../../src/engine/waivers';

const rule: LoadedRule = {
  id: 'vm.copy-disable',
  pack: 'hardening',
  file: 'vm.copy-disable.json',
  title: 'Copy disabled',
  severity: 'medium',
  category: 'hardening',
  resourceType: 'vm',
  params: {},
  appliesTo: {},
  conditions: { all: [] },
  evidenceFacts: [],
  controls: [{ framework: 'vsphere-8-scg', id: 'vm-8.disable-copy' }],
  rationale: 'why',
  remediation: 'how',
  fixtures: { compliant: { subject: 'x' }, nonCompliant: { subject: 'x' } },
};
const NOW = '2026-12-05T00:00:00.000Z';
const BASE_KEYS = [
  'fingerprint',
  'ruleId',
  'pack',
  'severity',
  'category',
  'resourceType',
  'resourceId',
  'title',
  'evidence',
  'controls',
  'rationale',
  'remediation',
  'status',
  'firstSeen',
  'lastSeen',
];

describe('Function: lifecycleCandidates', () => {
  it('builds every hit’s finding with the same keys in the same order, whichever way it is built', () => {
    const waived = { resource: 'vm-w*', rule: '*', reason: 'r', owner: 'o', expires: '2027-01-01' };
    for (let shape = 0; shape < 64; shape++) {
      const [named, clustered, placed, unverified, stig, isWaived] = [1, 2, 4, 8, 16, 32].map(
        (bit) => (shape & bit) !== 0,
      );
      const hit: RuleHit = { rule, resourceType: 'vm', resourceId: isWaived ? 'vm-w1' : 'vm-1', evidence: { a: 1 } };
      if (named) hit.resourceName = 'web-1';
      if (clustered) hit.cluster = 'c-1';
      if (placed) hit.datacenter = 'dc-1';
      if (unverified) hit.unverified = { missing: ['a'], collect: ['collect a'] };
      const profile = stig ? 'stig' : 'scg';
      const [f] = lifecycleCandidates({ hits: [hit], waivers: waiverMatcher([waived]), now: NOW, profile });
      const keys = [...BASE_KEYS];
      if (named) keys.push('resourceName');
      if (stig) keys.push('profile');
      if (clustered) keys.push('cluster');
      if (placed) keys.push('datacenter');
      if (unverified) keys.push('verify');
      if (isWaived) keys.push('waiver');
      expect(Object.keys(f!), `shape ${shape}`).toEqual(keys);
      expect(f).toEqual({
        fingerprint: fingerprint(rule.id, 'vm', hit.resourceId, profile),
        ruleId: rule.id,
        pack: 'hardening',
        severity: 'medium',
        category: 'hardening',
        resourceType: 'vm',
        resourceId: hit.resourceId,
        title: 'Copy disabled',
        evidence: { a: 1 },
        controls: rule.controls,
        rationale: 'why',
        remediation: 'how',
        status: isWaived ? 'waived' : unverified ? 'unverified' : 'open',
        firstSeen: NOW,
        lastSeen: NOW,
        ...(named && { resourceName: 'web-1' }),
        ...(stig && { profile: 'stig' }),
        ...(clustered && { cluster: 'c-1' }),
        ...(placed && { datacenter: 'dc-1' }),
        ...(unverified && { verify: hit.unverified }),
        ...(isWaived && { waiver: { reason: 'r', owner: 'o', expires: '2027-01-01' } }),
      });
    }
  });

  it('keeps a rule’s fields per rule and resource type, not from the hit before', () => {
    const other: LoadedRule = { ...rule, id: 'host.x', resourceType: 'host', severity: 'high', rationale: 'other' };
    const hits: RuleHit[] = [
      { rule, resourceType: 'vm', resourceId: 'a', evidence: {} },
      { rule: other, resourceType: 'host', resourceId: 'a', evidence: {} },
      { rule, resourceType: 'host', resourceId: 'a', evidence: {} },
      { rule, resourceType: 'vm', resourceId: 'b', evidence: {} },
    ];
    const found = lifecycleCandidates({ hits, waivers: waiverMatcher([]), now: NOW });
    expect(found.map((f) => [f.ruleId, f.severity, f.resourceType, f.fingerprint])).toEqual([
      [rule.id, 'medium', 'vm', fingerprint(rule.id, 'vm', 'a')],
      ['host.x', 'high', 'host', fingerprint('host.x', 'host', 'a')],
      [rule.id, 'medium', 'host', fingerprint(rule.id, 'host', 'a')],
      [rule.id, 'medium', 'vm', fingerprint(rule.id, 'vm', 'b')],
    ]);
    expect(found[1]!.rationale).toBe('other');
  });
});
