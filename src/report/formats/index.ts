import type { AuditResult } from '../../engine/audit-result';
import { formatAsff } from './asff';
import { formatCsv } from './csv';
import { formatJson } from './json';
import { formatJunit } from './junit';
import { formatOcsf } from './ocsf';
import { formatSarif } from './sarif';
import { formatTable } from './table';

export const AUDIT_FORMATS = {
  table: formatTable,
  json: formatJson,
  csv: formatCsv,
  sarif: formatSarif,
  junit: formatJunit,
  ocsf: formatOcsf,
  asff: formatAsff,
} as const satisfies Record<string, (r: AuditResult) => string>;

export type AuditFormat = keyof typeof AUDIT_FORMATS;
export const AUDIT_FORMAT_NAMES = Object.keys(AUDIT_FORMATS) as AuditFormat[];
