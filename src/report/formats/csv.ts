import { stringify } from 'csv-stringify/sync';
import type { AuditResult } from '../../engine/audit-result';

const COLUMNS = [
  'fingerprint',
  'status',
  'severity',
  'category',
  'ruleId',
  'resourceType',
  'resourceId',
  'title',
  'controls',
  'evidence',
  'remediation',
  'firstSeen',
  'lastSeen',
] as const;

export function formatCsv(result: AuditResult): string {
  const rows = result.findings.map((f) => [
    f.fingerprint,
    f.status,
    f.severity,
    f.category,
    f.ruleId,
    f.resourceType,
    f.resourceId,
    f.title,
    f.controls.map((c) => `${c.framework}:${c.id}`).join(' '),
    JSON.stringify(f.evidence),
    f.remediation,
    f.firstSeen,
    f.lastSeen,
  ]);
  // Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas; csv-stringify prefixes them with '.
  return stringify([[...COLUMNS], ...rows], { escape_formulas: true });
}
