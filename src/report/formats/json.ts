import type { AuditResult } from '../../engine/audit-result';

/** The `audit --format json` document: summary plus one entry per current (open or waived) finding. */
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
      title: f.title,
      evidence: f.evidence,
      controls: f.controls,
      remediation: f.remediation,
      status: f.status,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
    })),
  };
}

export function formatJson(result: AuditResult): string {
  return `${JSON.stringify(toJsonDocument(result), null, 2)}\n`;
}
