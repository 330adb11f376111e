import Table from 'cli-table3';
import type { AuditResult } from '../../engine/audit-result';
import type { Severity } from '../../model/finding';
import { fitNames } from './fit-names';

const MAX_ROWS = 200;

/** How the table meets its reader: a file or pipe gets the defaults, a terminal its own width and colours. */
export interface TableLayout {
  /** Total width in characters, borders included. */
  width?: number;
  /** Styles a severity cell (colour on a terminal); plain text by default. */
  paint?: (severity: Severity, text: string) => string;
}

export const DEFAULT_TABLE_WIDTH = 120;
const SEVERITY_WIDTH = 10;
const STATUS_WIDTH = 12;
/** cli-table3 widths include one space of padding each side. */
const PADDING = 2;

/**
 * Column widths for `width`: severity and status are fixed; rule ids and resource names share the rest with the
 * title (which wraps), each keeping a readable minimum, so a terminal of 60 columns or more gets a taller table, never
 * a wider one.
 */
export function columnWidths(width: number): [number, number, number, number, number] {
  const borders = 6;
  const rest = Math.max(0, width - borders - SEVERITY_WIDTH - STATUS_WIDTH);
  const rule = Math.min(34, Math.max(10, Math.round(rest * 0.26)));
  const resource = Math.min(48, Math.max(12, Math.round(rest * 0.36)));
  const title = Math.max(10, rest - rule - resource);
  return [SEVERITY_WIDTH, STATUS_WIDTH, rule, resource, title];
}

/** Human-readable terminal output: summary line, then the most severe findings. */
export function formatTable(result: AuditResult, layout: TableLayout = {}): string {
  const s = result.summary;
  const paint = layout.paint ?? ((_: Severity, text: string) => text);
  const counts = Object.entries(s.findings)
    .map(([sev, n]) => `${paint(sev as Severity, sev)} ${n}`)
    .join(', ');
  const waived = result.findings.filter((f) => f.status === 'waived').length;
  const unverified = Object.values(s.unverified).reduce((a, b) => a + b, 0);
  const head = `${s.hosts} hosts, ${s.vms} VMs — open findings: ${counts}; unverified ${unverified} (not reported: collect to verify); waived ${waived}; resolved this run ${result.resolved.length} (${result.mode}, profile ${result.profile})`;
  if (result.findings.length === 0) return `${head}\n`;
  const colWidths = columnWidths(layout.width ?? DEFAULT_TABLE_WIDTH);
  const shown = result.findings.slice(0, MAX_ROWS);
  // Ids and names are cut here (not wrapped by the table) so the part that tells two apart stays visible.
  const ruleIds = fitNames(
    shown.map((f) => f.ruleId),
    colWidths[2] - PADDING,
  );
  const resources = fitNames(
    shown.map((f) => `${f.resourceType}:${f.resourceName ?? f.resourceId}`),
    colWidths[3] - PADDING,
  );
  const table = new Table({
    head: ['severity', 'status', 'rule', 'resource', 'title'],
    wordWrap: true,
    style: { head: [], border: [] },
    colWidths,
  });
  shown.forEach((f, i) => {
    table.push([paint(f.severity, f.severity), f.status, ruleIds[i] ?? '', resources[i] ?? '', f.title]);
  });
  const more =
    result.findings.length > MAX_ROWS ? `\n… ${result.findings.length - MAX_ROWS} more (use --format json/csv)` : '';
  return `${head}\n${table.toString()}${more}\n`;
}
