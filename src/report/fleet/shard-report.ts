import { compareText } from '../../model/event-order';
import type { Finding, Severity } from '../../model/finding';
import type { Fleet } from '../../model/fleet';
import {
  compareFindings,
  heatmapOf,
  perimeterViolationsOf,
  toReportFinding,
  zeroCounts,
} from '../html/build-report-data';
import { toUnverifiedView, type UnverifiedView } from '../html/compliance-view';
import { reportExcursions, type ReportExcursion } from '../html/excursions-section';
import { fixFirstGroups } from '../html/fix-first';
import type { ClusterLine, FixGroup, HeatmapHost, PerimeterViolation, ReportFinding } from '../html/report-data';

/**
 * One shard's part of the daily run's report at fleet scale (docs/report.md, "A million-VM fleet"): what the page
 * shows of the shard, in bounded size, so the finish step assembles the page from these summaries and never reads a
 * finding or the fleet. Every count is exact and adds up across shards, because each host, VM and cluster (and so
 * each of their findings) belongs to one shard; the lists are the shard's first `limit` entries in the page's order,
 * so the fleet's first `limit` are among them.
 */

/** A fix-first group of one shard: its counts, and only the first `limit` of its findings. */
export interface ShardFixGroup extends FixGroup {
  /** The rule of the finding that speaks for the group (its title and wording), to pick the fleet's across shards. */
  leadRuleId: string;
  /** Every unsettled finding of the group in the shard (`findings` holds the first few). */
  total: number;
}

export interface ShardCounts {
  open: Record<Severity, number>;
  unverified: Record<Severity, number>;
  waived: number;
  resolved: number;
  byCategory: Record<string, number>;
}

export interface ShardReport {
  shard: string;
  counts: ShardCounts;
  cluster: ClusterLine;
  unverified: UnverifiedView;
  fixFirst: { byRule: ShardFixGroup[]; byRemediation: ShardFixGroup[] };
  /** The findings `fixFirst` and `perimeterViolations` name, as the page lists them. */
  rows: ReportFinding[];
  /** The shard's riskiest hosts' tiles (at most `limit`; every host when fewer). */
  heatmap: HeatmapHost[];
  perimeterViolations: PerimeterViolation[];
  excursions: ReportExcursion[];
  /** Rows the shard wrote to its part of findings.csv. */
  csvRows: number;
}

/** Resources listed per fix-first group, and host tiles, perimeter violations and excursions per shard. */
export interface ShardReportLimits {
  perGroup: number;
  hosts: number;
  perimeterViolations: number;
  excursions: number;
}

export const SHARD_REPORT_LIMITS: ShardReportLimits = {
  perGroup: 10,
  hosts: 1000,
  perimeterViolations: 500,
  excursions: 200,
};

export interface ShardReportInput {
  shard: string;
  /** The shard's findings after its lifecycle, in the run's profile, `lastSeen` as the report shows it. */
  findings: readonly Finding[];
  /** The slice the shard audited: the hosts and VMs it judged, and the hosts its VMs ran on or migrated between. */
  fleet: Fleet;
  hostIds: readonly string[];
  vmCount: number;
  /** Host simulation scores (the stored simulation's), by host id. */
  simulationScores?: ReadonlyMap<string, number>;
  generatedAt: string;
  limits?: ShardReportLimits;
}

/** The order of a group's findings: most severe, then resource name, then fingerprint (fix-first.ts). */
export function compareGroupFindings(a: ReportFinding, b: ReportFinding): number {
  return (
    severityOrder(b.severity) - severityOrder(a.severity) ||
    compareText(a.resourceName, b.resourceName) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

const SEVERITY_ORDER: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
const severityOrder = (s: Severity) => SEVERITY_ORDER[s];

/** The host tiles' order when the page can show only some: riskiest first, then cluster and id. */
export function compareTiles(a: HeatmapHost, b: HeatmapHost): number {
  return b.risk - a.risk || compareText(a.cluster, b.cluster) || compareText(a.id, b.id);
}

export function countFindings(findings: Iterable<Pick<Finding, 'status' | 'severity' | 'category'>>): ShardCounts {
  const counts: ShardCounts = { open: zeroCounts(), unverified: zeroCounts(), waived: 0, resolved: 0, byCategory: {} };
  for (const f of findings) {
    if (f.status === 'open') {
      counts.open[f.severity]++;
      counts.byCategory[f.category] = (counts.byCategory[f.category] ?? 0) + 1;
    } else if (f.status === 'unverified') counts.unverified[f.severity]++;
    else if (f.status === 'waived') counts.waived++;
    else counts.resolved++;
  }
  return counts;
}

function leadRuleOf(group: FixGroup, rows: ReadonlyMap<string, ReportFinding>): string {
  // fix-first.ts's lead: most severe, then category, then rule; its title and remediation are the group's.
  const members = group.findings.map((fp) => rows.get(fp)!);
  const lead = members
    .filter((f) => f.severity === group.severity && f.category === group.category)
    .sort((a, b) => compareText(a.ruleId, b.ruleId))[0];
  return lead?.ruleId ?? group.ruleIds[0] ?? group.key;
}

function bounded(groups: readonly FixGroup[], rows: ReadonlyMap<string, ReportFinding>, perGroup: number) {
  return groups.map(
    (g): ShardFixGroup => ({
      ...g,
      leadRuleId: leadRuleOf(g, rows),
      total: g.findings.length,
      findings: g.findings.slice(0, perGroup),
    }),
  );
}

/** The shard's report summary: exact counts, bounded lists. */
export function shardReport(input: ShardReportInput): ShardReport {
  const limits = input.limits ?? SHARD_REPORT_LIMITS;
  const all = input.findings.map((f) => toReportFinding(f, input.fleet));
  const byFingerprint = new Map(all.map((f) => [f.fingerprint, f]));
  const groups = fixFirstGroups(all);
  const fixFirst = {
    byRule: bounded(groups.byRule, byFingerprint, limits.perGroup),
    byRemediation: bounded(groups.byRemediation, byFingerprint, limits.perGroup),
  };
  const hostIds = new Set(input.hostIds);
  const tiles = heatmapOf(all, input.fleet, input.simulationScores).filter((t) => hostIds.has(t.id));
  const violations = perimeterViolationsOf(input.findings, input.fleet).slice(0, limits.perimeterViolations);
  const named = new Set<string>();
  for (const g of [...fixFirst.byRule, ...fixFirst.byRemediation]) for (const fp of g.findings) named.add(fp);
  for (const v of violations) named.add(v.fingerprint);
  const counts = countFindings(input.findings);
  const riskiest = [...tiles].sort(compareTiles)[0];
  return {
    shard: input.shard,
    counts,
    cluster: {
      shard: input.shard,
      hosts: input.hostIds.length,
      vms: input.vmCount,
      open: counts.open,
      unverified: Object.values(counts.unverified).reduce((n, c) => n + c, 0),
      waived: counts.waived,
      risk: tiles.reduce((n, t) => n + t.risk, 0),
      ...(riskiest !== undefined && { riskiestHost: { id: riskiest.id, name: riskiest.name, risk: riskiest.risk } }),
    },
    unverified: toUnverifiedView(input.findings),
    fixFirst,
    rows: all.filter((f) => named.has(f.fingerprint)).sort(compareFindings),
    heatmap: tiles.sort(compareTiles).slice(0, limits.hosts),
    perimeterViolations: violations,
    excursions: reportExcursions(input.fleet, input.generatedAt).slice(0, limits.excursions),
    csvRows: input.findings.length,
  };
}
