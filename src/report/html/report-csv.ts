import { stringify } from 'csv-stringify/sync';
import type { ReportFinding } from './report-data';

const COLUMNS = [
  'fingerprint',
  'severity',
  'status',
  'category',
  'ruleId',
  'pack',
  'resourceType',
  'resourceId',
  'resourceName',
  'hostId',
  'title',
  'controls',
  'remediation',
  'firstSeen',
  'lastSeen',
  'resolvedAt',
  'waiverReason',
  'waiverOwner',
  'waiverExpires',
] as const;

/**
 * Findings as CSV for spreadsheets. Names are hostile input: csv-stringify's escape_formulas prefixes any
 * cell starting with = + - @ tab or CR with a quote, so no cell is read as a formula.
 */
export function findingsCsv(findings: readonly ReportFinding[]): string {
  const rows = findings.map((f) => [
    f.fingerprint,
    f.severity,
    f.status,
    f.category,
    f.ruleId,
    f.pack,
    f.resourceType,
    f.resourceId,
    f.resourceName,
    f.hostId ?? '',
    f.title,
    f.controls.join('; '),
    f.remediation,
    f.firstSeen,
    f.lastSeen,
    f.resolvedAt ?? '',
    f.waiver?.reason ?? '',
    f.waiver?.owner ?? '',
    f.waiver?.expires ?? '',
  ]);
  return stringify([[...COLUMNS], ...rows], { escape_formulas: true, bom: false });
}
