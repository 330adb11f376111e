import type { ReportData } from './report-data';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The header line naming the audit the page shows (issue 15 item 8), static markup so it is there without script:
 * a page of findings says nothing without the time, profile and rules that produced them.
 */
export function auditStampLine(audit: ReportData['audit']): string {
  if (audit === undefined) return '<p id="audit-stamp">No audit stored: run <code>hyperaudit audit</code>.</p>';
  const parts = [
    `Audit ${audit.auditedAt}`,
    `profile ${audit.profile}`,
    `rule pack ${audit.rulePackVersion}`,
    `newest event ${audit.newestEventAt ?? 'none'}`,
  ];
  return `<p id="audit-stamp">${escapeHtml(parts.join(' · '))}</p>`;
}
