import { compareText } from '../../model/event-order';
import { SEVERITIES, severityRank, type Severity } from '../../model/finding';
import { compareFindings, zeroCounts } from '../html/build-report-data';
import type { UnverifiedView } from '../html/compliance-view';
import type { ReportExcursion } from '../html/excursions-section';
import { categoryRank } from '../html/fix-first';
import type { FixGroup, FleetScaleView, HeatmapHost, PerimeterViolation, ReportFinding } from '../html/report-data';
import {
  compareGroupFindings,
  compareTiles,
  SHARD_REPORT_LIMITS,
  type ShardCounts,
  type ShardFixGroup,
  type ShardReport,
  type ShardReportLimits,
} from './shard-report';

/**
 * Folds the shards' report summaries (shard-report.ts) into the fleet's, one at a time, keeping only what the page
 * shows: memory grows with the number of shards (one line each) and the bounded lists, never with the findings.
 */

export interface MergedShardReports {
  counts: ShardCounts;
  hosts: number;
  vms: number;
  unverified: UnverifiedView;
  fixFirst: { byRule: FixGroup[]; byRemediation: FixGroup[] };
  findings: ReportFinding[];
  heatmap: HeatmapHost[];
  perimeterViolations: PerimeterViolation[];
  excursions: ReportExcursion[];
  fleetScale: FleetScaleView;
  /** Host names of the tiles kept, for the simulation's host ids. */
  hostNames: ReadonlyMap<string, string>;
}

function addCounts(into: ShardCounts, add: ShardCounts): void {
  for (const s of SEVERITIES) {
    into.open[s] += add.open[s];
    into.unverified[s] += add.unverified[s];
  }
  into.waived += add.waived;
  into.resolved += add.resolved;
  for (const [c, n] of Object.entries(add.byCategory)) into.byCategory[c] = (into.byCategory[c] ?? 0) + n;
}

/** fix-first.ts's choice of the finding that speaks for a group: most severe, then category, then rule. */
function leadFirst(a: ShardFixGroup, b: ShardFixGroup): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    categoryRank(a.category) - categoryRank(b.category) ||
    compareText(a.leadRuleId, b.leadRuleId)
  );
}

/** fix-first.ts's ranking of groups: severity, breadth, category, key. */
function rankGroups(a: FixGroup, b: FixGroup): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    b.resources - a.resources ||
    categoryRank(a.category) - categoryRank(b.category) ||
    compareText(a.key, b.key)
  );
}

const byNewestLeg = (a: ReportExcursion, b: ReportExcursion) =>
  compareText(b.legs.at(-1)?.time ?? '', a.legs.at(-1)?.time ?? '') || compareText(a.vmId, b.vmId);
const byViolation = (a: PerimeterViolation, b: PerimeterViolation) =>
  severityRank(b.severity) - severityRank(a.severity) || compareText(a.vmId, b.vmId);

export class ShardReportMerger {
  private readonly counts: ShardCounts = {
    open: zeroCounts(),
    unverified: zeroCounts(),
    waived: 0,
    resolved: 0,
    byCategory: {},
  };
  private hosts = 0;
  private vms = 0;
  private csvRows = 0;
  private readonly unverifiedBySeverity: Record<Severity, number> = zeroCounts();
  private readonly collect = new Map<string, { findings: number; resources: number; rules: Set<string> }>();
  private readonly groups = {
    byRule: new Map<string, ShardFixGroup>(),
    byRemediation: new Map<string, ShardFixGroup>(),
  };
  private rows = new Map<string, ReportFinding>();
  private tiles: HeatmapHost[] = [];
  private violations: PerimeterViolation[] = [];
  private excursions: ReportExcursion[] = [];
  private readonly clusters: FleetScaleView['clusters'] = [];

  constructor(private readonly limits: ShardReportLimits = SHARD_REPORT_LIMITS) {}

  add(report: ShardReport): void {
    addCounts(this.counts, report.counts);
    this.hosts += report.cluster.hosts;
    this.vms += report.cluster.vms;
    this.csvRows += report.csvRows;
    if (report.cluster.hosts + report.cluster.vms > 0) this.clusters.push(report.cluster);
    for (const s of SEVERITIES) this.unverifiedBySeverity[s] += report.unverified.bySeverity[s];
    for (const c of report.unverified.collect) {
      const into = this.collect.get(c.hint) ?? { findings: 0, resources: 0, rules: new Set<string>() };
      into.findings += c.findings;
      // A resource is in one shard: the shards' resource counts add up.
      into.resources += c.resources;
      for (const r of c.rules) into.rules.add(r);
      this.collect.set(c.hint, into);
    }
    for (const f of report.rows) this.rows.set(f.fingerprint, f);
    this.mergeGroups(this.groups.byRule, report.fixFirst.byRule);
    this.mergeGroups(this.groups.byRemediation, report.fixFirst.byRemediation);
    this.tiles = [...this.tiles, ...report.heatmap].sort(compareTiles).slice(0, this.limits.hosts);
    this.violations = [...this.violations, ...report.perimeterViolations]
      .sort(byViolation)
      .slice(0, this.limits.perimeterViolations);
    this.excursions = [...this.excursions, ...report.excursions].sort(byNewestLeg).slice(0, this.limits.excursions);
    this.prune();
  }

  private mergeGroups(into: Map<string, ShardFixGroup>, groups: readonly ShardFixGroup[]): void {
    for (const g of groups) {
      const was = into.get(g.key);
      if (was === undefined) {
        into.set(g.key, { ...g, ruleIds: [...g.ruleIds], findings: [...g.findings] });
        continue;
      }
      const lead = leadFirst(g, was) < 0 ? g : was;
      const findings = [...new Set([...was.findings, ...g.findings])]
        .map((fp) => this.rows.get(fp)!)
        .sort(compareGroupFindings)
        .slice(0, this.limits.perGroup)
        .map((f) => f.fingerprint);
      into.set(g.key, {
        key: g.key,
        ruleIds: [...new Set([...was.ruleIds, ...g.ruleIds])].sort(compareText),
        title: lead.title,
        severity: lead.severity,
        category: lead.category,
        remediation: lead.remediation,
        leadRuleId: lead.leadRuleId,
        // Resources and hosts are each in one shard: the group's breadth is the sum of the shards'.
        resources: was.resources + g.resources,
        hosts: was.hosts + g.hosts,
        total: was.total + g.total,
        findings,
      });
    }
  }

  /** Keeps only the rows a kept list names, so memory does not grow with the shards. */
  private prune(): void {
    const named = new Set<string>();
    for (const list of [this.groups.byRule, this.groups.byRemediation])
      for (const g of list.values()) for (const fp of g.findings) named.add(fp);
    for (const v of this.violations) named.add(v.fingerprint);
    const kept = new Map<string, ReportFinding>();
    for (const fp of named) {
      const row = this.rows.get(fp);
      if (row !== undefined) kept.set(fp, row);
    }
    this.rows = kept;
  }

  result(): MergedShardReports {
    const strip = (groups: Map<string, ShardFixGroup>): FixGroup[] =>
      [...groups.values()].map(({ leadRuleId: _lead, total: _total, ...g }) => g).sort(rankGroups);
    const findings = [...this.rows.values()].sort(compareFindings);
    const hostNames = new Map(this.tiles.map((t) => [t.id, t.name]));
    return {
      counts: this.counts,
      hosts: this.hosts,
      vms: this.vms,
      unverified: {
        total: SEVERITIES.reduce((n, s) => n + this.unverifiedBySeverity[s], 0),
        bySeverity: this.unverifiedBySeverity,
        collect: [...this.collect]
          .map(([hint, c]) => ({ hint, findings: c.findings, resources: c.resources, rules: [...c.rules].sort() }))
          .sort((a, b) => b.findings - a.findings || compareText(a.hint, b.hint)),
      },
      fixFirst: { byRule: strip(this.groups.byRule), byRemediation: strip(this.groups.byRemediation) },
      findings,
      // The page's order: by cluster, riskiest first.
      heatmap: [...this.tiles].sort(
        (a, b) => compareText(a.cluster, b.cluster) || b.risk - a.risk || compareText(a.id, b.id),
      ),
      perimeterViolations: this.violations,
      excursions: this.excursions,
      fleetScale: {
        clusters: [...this.clusters].sort((a, b) => b.risk - a.risk || compareText(a.shard, b.shard)),
        findings: this.csvRows,
        listed: findings.length,
        perGroup: this.limits.perGroup,
        hostTiles: this.tiles.length,
      },
      hostNames,
    };
  }
}
