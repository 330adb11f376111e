import type { AuditResult } from '../../engine/audit-result';
import { formatAsff, formatAsffPieces } from './asff';
import { formatCsv, formatCsvPieces } from './csv';
import { formatJson, formatJsonPieces } from './json';
import { chunkPieces } from './json-pieces';
import { formatJunit, formatJunitPieces } from './junit';
import { formatOcsf, formatOcsfPieces } from './ocsf';
import { formatSarif, formatSarifPieces } from './sarif';
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

/**
 * Each format's writer: the same text as AUDIT_FORMATS gives, in chunks of about 64 K characters, so an audit
 * with hundreds of thousands of findings is written with bounded memory instead of as one string of gigabytes.
 * The table is for a terminal and stays one string.
 */
export const AUDIT_FORMAT_PIECES: Record<AuditFormat, (r: AuditResult) => Iterable<string>> = {
  table: (r) => [formatTable(r)],
  json: (r) => chunkPieces(formatJsonPieces(r)),
  csv: (r) => chunkPieces(formatCsvPieces(r)),
  sarif: (r) => chunkPieces(formatSarifPieces(r)),
  junit: (r) => chunkPieces(formatJunitPieces(r)),
  ocsf: (r) => chunkPieces(formatOcsfPieces(r)),
  asff: (r) => chunkPieces(formatAsffPieces(r)),
};
