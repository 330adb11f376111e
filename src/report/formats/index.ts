import type { AuditResult } from '../../engine/audit-result';
import { formatAsff, formatAsffPieces } from './asff';
import { formatCsv, formatCsvPieces } from './csv';
import type { TextPiece } from './encoded-text';
import { formatJson, formatJsonParts, formatJsonPieces } from './json';
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
 * Each format's writer: the same text as AUDIT_FORMATS gives, in pieces of about one finding or record each, so an
 * audit with hundreds of thousands of findings is written with bounded memory instead of as one string of
 * gigabytes (`writePieces` encodes the pieces into one buffer and writes it a megabyte at a time). The table is for a
 * terminal and stays one string.
 */
export const AUDIT_FORMAT_PIECES: Record<AuditFormat, (r: AuditResult) => Iterable<string>> = {
  table: (r) => [formatTable(r)],
  json: (r) => formatJsonPieces(r),
  csv: (r) => formatCsvPieces(r),
  sarif: (r) => formatSarifPieces(r),
  junit: (r) => formatJunitPieces(r),
  ocsf: (r) => formatOcsfPieces(r),
  asff: (r) => formatAsffPieces(r),
};

/**
 * What `audit` writes: AUDIT_FORMAT_PIECES, the JSON document with the text findings repeat handed over already
 * encoded (`formatJsonParts`), for `writePieces`. The same bytes.
 */
export const AUDIT_FORMAT_OUTPUT: Record<AuditFormat, (r: AuditResult) => Iterable<TextPiece>> = {
  ...AUDIT_FORMAT_PIECES,
  json: (r) => formatJsonParts(r),
};
