import type { AuditResult } from '../../engine/audit-result';

/**
 * The `audit --format json` document: summary, one entry per current (open, unverified or waived) finding with
 * the resource's name, cluster and datacenter beside its id, the waiver (reason, owner, expiry) or what to
 * collect to verify it, and the compliance view's figures when the audit recorded one.
 */
export function toJsonDocument(result: AuditResult) {
  return {
    summary: result.summary,
    findings: result.findings.map((f) => ({
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      category: f.category,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      resourceName: f.resourceName ?? null,
      cluster: f.cluster ?? null,
      datacenter: f.datacenter ?? null,
      title: f.title,
      evidence: f.evidence,
      controls: f.controls,
      remediation: f.remediation,
      status: f.status,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      waiver:
        f.waiver === undefined
          ? null
          : { reason: f.waiver.reason, owner: f.waiver.owner, expires: f.waiver.expires ?? null },
      verify: f.verify ?? null,
    })),
    ...(result.compliance !== undefined && {
      compliance: {
        at: result.compliance.at,
        profile: result.compliance.profile,
        frameworks: result.compliance.frameworks,
        controls: result.compliance.controls,
        rules: result.compliance.rules.map(({ evaluated: _e, ...r }) => r),
      },
    }),
  };
}

export function formatJson(result: AuditResult): string {
  return `${JSON.stringify(toJsonDocument(result), null, 2)}\n`;
}
