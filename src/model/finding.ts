export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank for comparisons: critical = 4 … info = 0. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - 1 - SEVERITIES.indexOf(s);
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export function emptySeverityCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

/** Open findings per severity (waived and resolved ones are not counted): the summary every output shows. */
/** Findings of one status, by severity. */
export function countsBySeverity(
  findings: Iterable<Pick<Finding, 'status' | 'severity'>>,
  status: Finding['status'],
): Record<Severity, number> {
  const counts = emptySeverityCounts();
  for (const f of findings) if (f.status === status) counts[f.severity]++;
  return counts;
}

export function openCountsBySeverity(
  findings: Iterable<Pick<Finding, 'status' | 'severity'>>,
): Record<Severity, number> {
  return countsBySeverity(findings, 'open');
}

/** Most severe first, then by rule and resource, so every listing of findings has one stable order. */
export function compareBySeverityThenId(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0)
  );
}

export type ResourceType = 'host' | 'vm' | 'cluster' | 'perimeter';
export type FindingCategory = 'hardening' | 'perimeter' | 'consolidation' | 'simulation';
/**
 * `open`: observed failing. `unverified`: failing only on an assumed default or a value nobody reported, so
 * not counted as a failure (kept out of `--fail-on` and Slack by default) until collected. `waived` wins over
 * both while its waiver holds.
 */
export type FindingStatus = 'open' | 'unverified' | 'resolved' | 'waived';
export const FINDING_STATUSES: readonly FindingStatus[] = ['open', 'unverified', 'waived', 'resolved'];

/** Why a result is unverified: the facts nobody reported (as evidence keys) and what to collect to report them. */
export interface Unverified {
  missing: string[];
  collect: string[];
}

export interface ControlRef {
  /** Framework, e.g. `vsphere-8-scg`, `disa-stig`, `pci-dss-4.0`, `cis`. */
  framework: string;
  id: string;
}

export interface Finding {
  /** Stable across runs: hash of rule id + resource type + resource id. */
  fingerprint: string;
  ruleId: string;
  /** Rule pack (file folder under rules/), e.g. `hardening`. */
  pack: string;
  severity: Severity;
  category: FindingCategory;
  resourceType: ResourceType;
  resourceId: string;
  resourceName?: string;
  /** Where the resource sat when last evaluated (a VM: its host's), beside the id in every output. */
  cluster?: string;
  datacenter?: string;
  title: string;
  /** What was observed: fact values, and for movements the event id, time, from and to. */
  evidence: Record<string, unknown>;
  controls: ControlRef[];
  rationale?: string;
  remediation: string;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  // --- Full snapshots (issue 21) ---
  /**
   * For a finding resolved because its resource is gone or was replaced whole: the remove or inventory snapshot
   * (`removed`), or the newest complete upsert (`replaced`) of the resource when it resolved.
   */
  resolvedBy?: { eventId: string; time: string; effect: 'removed' | 'replaced' };
  waiver?: { reason: string; owner: string; expires?: string };
  /** The audit profile whose lifecycle the finding follows (issue 15 item 7); absent on findings of the default `scg`. */
  profile?: string;
  /** On a finding that fired only on assumed defaults (status `unverified` unless waived): what to collect. */
  verify?: Unverified;
}
