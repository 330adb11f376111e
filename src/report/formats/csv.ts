import { stringify } from 'csv-stringify/sync';
import type { AuditResult } from '../../engine/audit-result';
import type { Finding } from '../../model/finding';

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

function csvRow(f: Finding): string[] {
  return [
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
  ];
}

// Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas; csv-stringify prefixes them with '.
const OPTIONS = { escape_formulas: true } as const;

export function formatCsv(result: AuditResult): string {
  return stringify([[...COLUMNS], ...result.findings.map(csvRow)], OPTIONS);
}

/**
 * The same text as formatCsv in pieces of `rowsPerPiece` rows (csv-stringify ends every record with its
 * delimiter, so pieces join into the one-call output), never held as one string.
 */
export function* formatCsvPieces(result: AuditResult, rowsPerPiece = 2000): Generator<string> {
  yield stringify([[...COLUMNS]], OPTIONS);
  for (let i = 0; i < result.findings.length; i += rowsPerPiece)
    yield stringify(result.findings.slice(i, i + rowsPerPiece).map(csvRow), OPTIONS);
}
