import { csvLine } from '../csv-line';
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

/** What a row of findings.csv shows of a finding: the page's without the evidence and rationale texts. */
export type CsvFinding = Omit<ReportFinding, 'evidence' | 'rationale'>;

/**
 * Findings as CSV for spreadsheets. Names are hostile input: csvLine prefixes any cell starting with = + - @ tab
 * or CR with a quote, so no cell is read as a formula.
 */
export function findingsCsv(findings: readonly ReportFinding[]): string {
  return [COLUMNS, ...findings.map(csvRow)].map(csvLine).join('');
}

/**
 * The same CSV in pieces of `rowsPerPiece` rows, each finding converted only when its piece is written, so the
 * file of a fleet with 750,000 findings is never one string (V8 caps a string at about 512 MB).
 */
export function* findingsCsvPieces<T>(
  findings: readonly T[],
  toReportFinding: (f: T) => CsvFinding,
  rowsPerPiece = 2000,
): Generator<string> {
  yield findingsCsvHeader();
  yield* findingsCsvRowPieces(findings, toReportFinding, rowsPerPiece);
}

/** The CSV's header line: a fleet-scale findings.csv starts with it, then the shards' rows (report-fragments.ts). */
export function findingsCsvHeader(): string {
  return csvLine(COLUMNS);
}

/** The CSV's rows without the header, in pieces of `rowsPerPiece` rows. */
export function* findingsCsvRowPieces<T>(
  findings: readonly T[],
  toReportFinding: (f: T) => CsvFinding,
  rowsPerPiece = 2000,
): Generator<string> {
  for (let i = 0; i < findings.length; i += rowsPerPiece)
    yield findings
      .slice(i, i + rowsPerPiece)
      .map((f) => csvLine(csvRow(toReportFinding(f))))
      .join('');
}

function csvRow(f: CsvFinding): string[] {
  return [
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
  ];
}
