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
  'resourceName',
  'cluster',
  'datacenter',
  'title',
  'controls',
  'evidence',
  'remediation',
  'firstSeen',
  'lastSeen',
  'waiverReason',
  'waiverOwner',
  'waiverExpires',
  'collectToVerify',
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
    f.resourceName ?? '',
    f.cluster ?? '',
    f.datacenter ?? '',
    f.title,
    f.controls.map((c) => `${c.framework}:${c.id}`).join(' '),
    JSON.stringify(f.evidence),
    f.remediation,
    f.firstSeen,
    f.lastSeen,
    f.waiver?.reason ?? '',
    f.waiver?.owner ?? '',
    f.waiver?.expires ?? '',
    (f.verify?.collect ?? []).join('; '),
  ]);
  // Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas; csv-stringify prefixes them with '.
  return stringify([[...COLUMNS], ...rows], { escape_formulas: true });
}
