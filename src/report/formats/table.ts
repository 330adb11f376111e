import Table from 'cli-table3';
import type { AuditResult } from '../../engine/audit-result';

const MAX_ROWS = 200;

/** Human-readable terminal output: summary line, then the most severe findings. */
export function formatTable(result: AuditResult): string {
  const s = result.summary;
  const counts = Object.entries(s.findings)
    .map(([sev, n]) => `${sev} ${n}`)
    .join(', ');
  const waived = result.findings.filter((f) => f.status === 'waived').length;
  const unverified = Object.values(s.unverified).reduce((a, b) => a + b, 0);
  const head = `${s.hosts} hosts, ${s.vms} VMs — open findings: ${counts}; unverified ${unverified} (not reported: collect to verify); waived ${waived}; resolved this run ${result.resolved.length} (${result.mode}, profile ${result.profile})`;
  if (result.findings.length === 0) return `${head}\n`;
  const table = new Table({
    head: ['severity', 'status', 'rule', 'resource', 'title'],
    wordWrap: true,
    style: { head: [], border: [] },
    colWidths: [10, 12, 34, 28, 60],
  });
  for (const f of result.findings.slice(0, MAX_ROWS)) {
    table.push([f.severity, f.status, f.ruleId, `${f.resourceType}:${f.resourceName ?? f.resourceId}`, f.title]);
  }
  const more =
    result.findings.length > MAX_ROWS ? `\n… ${result.findings.length - MAX_ROWS} more (use --format json/csv)` : '';
  return `${head}\n${table.toString()}${more}\n`;
}
