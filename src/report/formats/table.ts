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
 * a wider one. `needs` (longest id and name) lets a column give room it does not use to the other, then the title.
 */
export function columnWidths(
  width: number,
  needs: { rule?: number; resource?: number } = {},
): [number, number, number, number, number] {
  const borders = 6;
  const rest = Math.max(0, width - borders - SEVERITY_WIDTH - STATUS_WIDTH);
  const titleMin = Math.max(10, Math.round(rest * 0.3));
  const want = (need: number | undefined, share: number, min: number) =>
    Math.max(min, Math.min(need === undefined ? share : need + PADDING, share));
  let rule = want(needs.rule, Math.min(34, Math.round(rest * 0.3)), 10);
  let resource = want(needs.resource, Math.min(48, Math.round(rest * 0.4)), 12);
  // Room the title does not need beyond its minimum goes to whichever name column still cuts its text.
  const spare = () => Math.max(0, rest - titleMin - rule - resource);
  if (needs.rule !== undefined) rule += Math.min(spare(), Math.max(0, needs.rule + PADDING - rule));
  if (needs.resource !== undefined) resource += Math.min(spare(), Math.max(0, needs.resource + PADDING - resource));
  // Rounding the shares can overshoot a narrow terminal by a column: take it back from the names, not the title.
  const over = () => rule + resource + 10 - rest;
  if (over() > 0) resource = Math.max(12, resource - over());
  if (over() > 0) rule = Math.max(10, rule - over());
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
  const shown = result.findings.slice(0, MAX_ROWS);
  const names = shown.map((f) => `${f.resourceType}:${f.resourceName ?? f.resourceId}`);
  const longest = (texts: string[]) => Math.max(0, ...texts.map((t) => [...t].length));
  const colWidths = columnWidths(layout.width ?? DEFAULT_TABLE_WIDTH, {
    rule: longest(shown.map((f) => f.ruleId)),
    resource: longest(names),
  });
  // Ids and names are cut here (not wrapped by the table) so the part that tells two apart stays visible.
  const ruleIds = fitNames(
    shown.map((f) => f.ruleId),
    colWidths[2] - PADDING,
  );
  const resources = fitNames(names, colWidths[3] - PADDING);
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
