import { describe, expect, it } from 'vitest';
import { fixFirstGroups } from '../../src/report/html/fix-first';
import type { ReportFinding } from '../../src/report/html/report-data';

let n = 0;
function finding(overrides: Partial<ReportFinding>): ReportFinding {
  n++;
  return {
    fingerprint: `fp-${n}`,
    ruleId: 'vm.rule',
    pack: 'hardening',
    severity: 'medium',
    category: 'hardening',
    status: 'open',
    resourceType: 'vm',
    resourceId: `vm-${n}`,
    resourceName: `vm-${n}.example`,
    hostId: 'esx-1',
    title: 'A rule is violated',
    remediation: 'Fix it.',
    controls: [],
    evidence: '{}',
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('fixFirstGroups', () => {
  it('ranks by severity first, then by how many resources the fix reaches, then by category', () => {
    const findings = [
      finding({ ruleId: 'narrow.high', severity: 'high' }),
      ...[1, 2, 3].map((i) => finding({ ruleId: 'broad.medium', hostId: `esx-${i}` })),
      ...[1, 2].map(() => finding({ ruleId: 'broad.high', severity: 'high', category: 'consolidation' })),
      ...[1, 2].map(() => finding({ ruleId: 'perimeter.high', severity: 'high', category: 'perimeter' })),
      finding({ ruleId: 'the.critical', severity: 'critical', category: 'simulation' }),
    ];
    const { byRule } = fixFirstGroups(findings);
    expect(byRule.map((g) => [g.key, g.resources, g.hosts])).toEqual([
      ['the.critical', 1, 1],
      ['perimeter.high', 2, 1],
      ['broad.high', 2, 1],
      ['narrow.high', 1, 1],
      ['broad.medium', 3, 3],
    ]);
  });

  it('leaves resolved and waived findings out, and lists any other status with each resource', () => {
    const findings = [
      finding({ ruleId: 'r', status: 'open' }),
      finding({ ruleId: 'r', status: 'waived' }),
      finding({ ruleId: 'r', status: 'resolved' }),
      // A status this code has never heard of still needs attention.
      finding({ ruleId: 'r', status: 'unverified' as ReportFinding['status'] }),
      finding({ ruleId: 'settled', status: 'resolved' }),
    ];
    const { byRule } = fixFirstGroups(findings);
    expect(byRule).toHaveLength(1);
    const byFp = new Map(findings.map((f) => [f.fingerprint, f.status]));
    expect(byRule[0]!.findings.map((fp) => byFp.get(fp))).toEqual(['open', 'unverified']);
  });

  it('groups rules that share a remediation, however it is spaced or capitalised', () => {
    const findings = [
      finding({ ruleId: 'esxi.build', severity: 'high', remediation: 'Upgrade ESXi to 8.0 U3.', title: 'Old build' }),
      finding({
        ruleId: 'esxi.cve',
        severity: 'critical',
        remediation: 'upgrade  ESXi to 8.0 U3.',
        title: 'Known CVE',
      }),
      finding({ ruleId: 'vm.copy', remediation: 'Set isolation.tools.copy.disable to true.' }),
    ];
    const { byRemediation } = fixFirstGroups(findings);
    expect(byRemediation.map((g) => [g.ruleIds, g.severity, g.title, g.resources])).toEqual([
      [['esxi.build', 'esxi.cve'], 'critical', 'Known CVE', 2],
      [['vm.copy'], 'medium', 'A rule is violated', 1],
    ]);
  });

  it('counts a resource with two findings of one rule once', () => {
    const findings = [
      finding({ ruleId: 'r', resourceId: 'vm-x', severity: 'low' }),
      finding({ ruleId: 'r', resourceId: 'vm-x', severity: 'high' }),
      finding({ ruleId: 'r', resourceId: 'vm-x', resourceType: 'host' }),
    ];
    const [group] = fixFirstGroups(findings).byRule;
    expect([group!.resources, group!.findings.length, group!.severity]).toEqual([2, 3, 'high']);
  });

  it('gives no groups when nothing needs fixing', () => {
    expect(fixFirstGroups([finding({ status: 'resolved' })])).toEqual({ byRule: [], byRemediation: [] });
  });
});
