import { severityRank, type FindingCategory, type FindingStatus } from '../../model/finding';
import type { FixGroup, ReportFinding } from './report-data';

/**
 * Statuses that need no action. Everything else (open, and any status added later such as one for findings
 * that could not be verified) is listed, each resource with its own status, so the grouping never has to
 * know the full set of statuses.
 */
const SETTLED: ReadonlySet<FindingStatus | string> = new Set(['resolved', 'waived']);

/**
 * Ties between equally severe and equally broad groups go to the category whose exposure is already real:
 * a VM outside its perimeter is a breach now, a hardening gap is one waiting to be used, and capacity
 * problems threaten availability rather than confidentiality.
 */
const CATEGORY_ORDER: readonly FindingCategory[] = ['perimeter', 'hardening', 'simulation', 'consolidation'];

export function categoryRank(c: string): number {
  const i = CATEGORY_ORDER.indexOf(c as FindingCategory);
  return i === -1 ? CATEGORY_ORDER.length : i;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Whitespace and case differences in remediation texts should not split one fix into two groups. */
function remediationKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

function group(findings: readonly ReportFinding[], keyOf: (f: ReportFinding) => string): FixGroup[] {
  const groups = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    if (SETTLED.has(f.status)) continue;
    const key = keyOf(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const out: FixGroup[] = [];
  for (const [key, list] of groups) {
    // The most severe finding speaks for the group: its title, category and remediation wording.
    const lead = [...list].sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) ||
        categoryRank(a.category) - categoryRank(b.category) ||
        byText(a.ruleId, b.ruleId),
    )[0];
    if (lead === undefined) continue;
    const resources = new Set(list.map((f) => `${f.resourceType}\u0000${f.resourceId}`));
    const hosts = new Set(list.flatMap((f) => (f.hostId === undefined ? [] : [f.hostId])));
    out.push({
      key,
      ruleIds: [...new Set(list.map((f) => f.ruleId))].sort(byText),
      title: lead.title,
      severity: lead.severity,
      category: lead.category,
      remediation: lead.remediation,
      resources: resources.size,
      hosts: hosts.size,
      findings: [...list]
        .sort(
          (a, b) =>
            severityRank(b.severity) - severityRank(a.severity) ||
            byText(a.resourceName, b.resourceName) ||
            byText(a.fingerprint, b.fingerprint),
        )
        .map((f) => f.fingerprint),
    });
  }
  return out.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.resources - a.resources ||
      categoryRank(a.category) - categoryRank(b.category) ||
      byText(a.key, b.key),
  );
}

/**
 * The "what do I fix first" view: unsettled findings grouped once by rule and once by remediation text
 * (several rules often share one fix, e.g. an ESXi upgrade), ranked by severity, then by how many resources
 * the fix reaches, then by category.
 */
export function fixFirstGroups(findings: readonly ReportFinding[]): { byRule: FixGroup[]; byRemediation: FixGroup[] } {
  return {
    byRule: group(findings, (f) => f.ruleId),
    byRemediation: group(findings, (f) => remediationKey(f.remediation)),
  };
}
