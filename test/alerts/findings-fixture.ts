import type { Finding, Severity } from '../../src/model/finding';

export const HOSTILE_NAME =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script> @channel <!here> =1+1';

/** A finding with the fields the digest reads; the rest filled plausibly. */
export function finding(n: number, overrides: Partial<Finding> = {}): Finding {
  const severity: Severity = overrides.severity ?? 'high';
  return {
    fingerprint: `fp-${String(n).padStart(5, '0')}`,
    ruleId: `hardening.rule-${n % 7}`,
    pack: 'hardening',
    severity,
    category: 'hardening',
    resourceType: 'vm',
    resourceId: `vm-${n}`,
    resourceName: `web${n}`,
    title: `Rule ${n % 7} violated`,
    evidence: {},
    controls: [{ framework: 'cis', id: `1.${n % 7}` }],
    remediation: 'Set the option to true.',
    status: 'open',
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}
