import type { AuditResult } from '../../engine/audit-result';

/**
 * The `audit --format json` document: summary, one entry per current (open, unverified or waived) finding with
 * the resource's name, cluster and datacenter beside its id, the waiver (reason, owner, expiry) or what to
 * collect to verify it, and the compliance view's figures when the audit recorded one.
 */
export function toJsonDocument(result: AuditResult) {
  return {
    summary: result.summary,
    findings: result.findings.map(jsonFinding),
    ...complianceOf(result),
  };
}

function jsonFinding(f: AuditResult['findings'][number]) {
  return {
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
  };
}

function complianceOf(result: AuditResult) {
  return {
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
  return [...formatJsonPieces(result)].join('');
}

/** `value` as JSON.stringify(…, null, 2) prints it nested `depth` levels deep. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * The same text as `JSON.stringify(toJsonDocument(result), null, 2)`, one finding per piece, so an audit with
 * hundreds of thousands of findings is written without ever being one string (V8 caps strings at about 512 MB).
 */
export function* formatJsonPieces(result: AuditResult): Generator<string> {
  yield `{\n  "summary": ${nested(result.summary, 1)},\n  "findings": [`;
  for (let i = 0; i < result.findings.length; i++)
    yield `${i === 0 ? '' : ','}\n    ${nested(jsonFinding(result.findings[i]!), 2)}`;
  yield result.findings.length > 0 ? '\n  ]' : ']';
  for (const [key, value] of Object.entries(complianceOf(result)))
    yield `,\n  ${JSON.stringify(key)}: ${nested(value, 1)}`;
  yield '\n}\n';
}
