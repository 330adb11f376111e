import type { AuditResult } from '../../engine/audit-result';
import type { Finding, Severity } from '../../model/finding';
import { jsonDocumentPieces } from './json-pieces';

/** OCSF 1.1 severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
export const OCSF_SEVERITY: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = {
  info: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};
/** Finding status_id: 1 New, 3 Suppressed, 4 Resolved. */
const STATUS: Record<Finding['status'], { id: number; name: string }> = {
  open: { id: 1, name: 'New' },
  unverified: { id: 1, name: 'New' },
  waived: { id: 3, name: 'Suppressed' },
  resolved: { id: 4, name: 'Resolved' },
};

/** OCSF Compliance Finding (class_uid 2003, category Findings = 2), one event per finding, as a JSON array. */
export function toOcsf(result: AuditResult) {
  const time = Date.parse(result.generatedAt);
  return result.findings.map((f) => ocsfEvent(f, time));
}

/** One finding's Compliance Finding event; `time` is the audit's, in epoch milliseconds. */
function ocsfEvent(f: Finding, time: number) {
  return {
    class_uid: 2003,
    class_name: 'Compliance Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200301,
    type_name: 'Compliance Finding: Create',
    time,
    severity_id: OCSF_SEVERITY[f.severity],
    severity: SEVERITY_NAME[f.severity],
    status_id: STATUS[f.status].id,
    status: STATUS[f.status].name,
    message: f.title,
    metadata: {
      version: '1.1.0',
      product: { name: 'hyperaudit', vendor_name: 'hyperaudit', version: '0.1.0' },
      profiles: [] as string[],
    },
    finding_info: {
      uid: f.fingerprint,
      title: f.title,
      desc: f.rationale ?? f.title,
      types: [f.category],
      created_time: Date.parse(f.firstSeen),
      first_seen_time: Date.parse(f.firstSeen),
      last_seen_time: Date.parse(f.lastSeen),
    },
    compliance: {
      control: f.ruleId,
      // Never empty: a rule that maps to no published framework is checked against hyperaudit's own pack.
      standards: f.controls.length > 0 ? [...new Set(f.controls.map((c) => c.framework))] : [`hyperaudit-${f.pack}`],
      requirements: f.controls.map((c) => `${c.framework}:${c.id}`),
      // Compliance status_id: 3 Fail when observed, 0 Unknown when it failed only on defaults nobody reported.
      ...(f.status === 'unverified' ? { status_id: 0, status: 'Unknown' } : { status_id: 3, status: 'Fail' }),
    },
    resources: [
      {
        uid: f.resourceId,
        type: f.resourceType,
        ...(f.resourceName !== undefined && { name: f.resourceName }),
        ...((f.cluster !== undefined || f.datacenter !== undefined) && {
          labels: [
            ...(f.cluster !== undefined ? [`cluster:${f.cluster}`] : []),
            ...(f.datacenter !== undefined ? [`datacenter:${f.datacenter}`] : []),
          ],
          data: {
            ...(f.cluster !== undefined && { cluster: f.cluster }),
            ...(f.datacenter !== undefined && { datacenter: f.datacenter }),
          },
        }),
      },
    ],
    remediation: { desc: f.remediation },
    unmapped: { evidence: f.evidence, ...(f.waiver && { waiver: f.waiver }), ...(f.verify && { verify: f.verify }) },
  };
}

export function formatOcsf(result: AuditResult): string {
  return `${JSON.stringify(toOcsf(result), null, 2)}\n`;
}

/** The same text as formatOcsf, one event per piece, never held as one string. */
export function* formatOcsfPieces(result: AuditResult): Generator<string> {
  const time = Date.parse(result.generatedAt);
  yield* jsonDocumentPieces(
    (placeholder) => placeholder,
    result.findings,
    (f) => ocsfEvent(f, time),
  );
  yield '\n';
}
