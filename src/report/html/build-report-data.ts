import { listedFindings } from './listed-findings';
import { emptySeverityCounts, SEVERITIES, severityRank, type Finding, type Severity } from '../../model/finding';
import type { Fleet } from '../../model/fleet';
import { fixFirstGroups } from './fix-first';
import type { HeatmapHost, PerimeterViolation, ReportData, ReportFinding } from './report-data';
import type { RunSummary } from './report-meta';
import type { SimulationView } from './simulation-view';
import type { CsvFinding } from './report-csv';
import { byId, compareText } from '../../model/event-order';

export interface ReportInputs {
  generatedAt: string;
  findings: readonly Finding[];
  fleet: Fleet;
  simulation?: SimulationView;
  trend: readonly RunSummary[];
}

const RISK_WEIGHT: Record<Severity, number> = { critical: 10, high: 5, medium: 2, low: 1, info: 0 };
/** Lower bounds of the colour buckets 1–4 (0 below the first). */
const RISK_BUCKETS = [1, 5, 15, 30];
const EVIDENCE_CHARS = 4000;

export const zeroCounts = emptySeverityCounts;

/** How a host's risk is computed, as report.json states it. */
export function riskScale(): ReportData['riskScale'] {
  return { weights: { ...RISK_WEIGHT }, buckets: [...RISK_BUCKETS] };
}

function bucketOf(risk: number): number {
  return RISK_BUCKETS.filter((b) => risk >= b).length;
}

function evidenceText(evidence: Record<string, unknown>): string {
  const text = JSON.stringify(evidence, null, 1) ?? '';
  return text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS)}…` : text;
}

/** The host a finding belongs to in the heatmap: the host itself, or the host its VM runs on. */
function hostOf(f: Finding, fleet: Fleet): string | undefined {
  if (f.resourceType === 'host') return f.resourceId;
  if (f.resourceType === 'vm') return fleet.vms.get(f.resourceId)?.hostId;
  return undefined;
}

export function toReportFinding(f: Finding, fleet: Fleet): ReportFinding {
  const out: ReportFinding = {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    pack: f.pack,
    severity: f.severity,
    category: f.category,
    status: f.status,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName ?? f.resourceId,
    title: f.title,
    remediation: f.remediation,
    controls: f.controls.map((c) => `${c.framework} ${c.id}`),
    evidence: evidenceText(f.evidence),
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
  };
  const hostId = hostOf(f, fleet);
  if (hostId !== undefined) out.hostId = hostId;
  if (f.rationale !== undefined) out.rationale = f.rationale;
  if (f.resolvedAt !== undefined) out.resolvedAt = f.resolvedAt;
  if (f.waiver !== undefined) out.waiver = { ...f.waiver };
  return out;
}

/**
 * A finding as findings.csv writes it: `toReportFinding` without the evidence text, which the CSV does not show and
 * which cost a JSON.stringify per finding (750,000 at 100,000 VMs).
 */
export function toCsvFinding(f: Finding, fleet: Fleet): CsvFinding {
  const out: CsvFinding = {
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    pack: f.pack,
    severity: f.severity,
    category: f.category,
    status: f.status,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    resourceName: f.resourceName ?? f.resourceId,
    title: f.title,
    remediation: f.remediation,
    controls: f.controls.map((c) => `${c.framework} ${c.id}`),
    firstSeen: f.firstSeen,
    lastSeen: f.lastSeen,
  };
  const hostId = hostOf(f, fleet);
  if (hostId !== undefined) out.hostId = hostId;
  if (f.resolvedAt !== undefined) out.resolvedAt = f.resolvedAt;
  if (f.waiver !== undefined) out.waiver = f.waiver;
  return out;
}

/** The report's order: open, then waived, then the rest; most severe first; then rule and resource. */
export function compareFindings(
  a: Pick<Finding, 'status' | 'severity' | 'ruleId' | 'resourceId'>,
  b: Pick<Finding, 'status' | 'severity' | 'ruleId' | 'resourceId'>,
): number {
  const status = (s: Finding['status']) => (s === 'open' ? 0 : s === 'waived' ? 1 : 2);
  return (
    status(a.status) - status(b.status) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0)
  );
}

/** One tile per host of the fleet, with its open findings' risk and its simulation score. */
export function heatmapOf(
  findings: readonly ReportFinding[],
  fleet: Fleet,
  simScore: ReadonlyMap<string, number> = new Map(),
): HeatmapHost[] {
  const rows = new Map<string, HeatmapHost>();
  for (const host of fleet.hosts.values()) {
    const row: HeatmapHost = {
      id: host.id,
      name: host.name ?? host.id,
      cluster: host.cluster ?? '(no cluster)',
      risk: 0,
      bucket: 0,
      open: zeroCounts(),
    };
    const score = simScore.get(host.id);
    if (score !== undefined) row.simulationScore = score;
    rows.set(host.id, row);
  }
  for (const f of findings) {
    if (f.status !== 'open' || f.hostId === undefined) continue;
    const row = rows.get(f.hostId);
    if (!row) continue;
    row.open[f.severity]++;
    row.risk += RISK_WEIGHT[f.severity];
  }
  for (const row of rows.values()) row.bucket = bucketOf(row.risk);
  return [...rows.values()].sort((a, b) => compareText(a.cluster, b.cluster) || b.risk - a.risk || byId(a, b));
}

export function perimeterViolationsOf(findings: readonly Finding[], fleet: Fleet): PerimeterViolation[] {
  const out: PerimeterViolation[] = [];
  for (const f of findings) {
    if (f.category !== 'perimeter' || f.status !== 'open') continue;
    const vm = f.resourceType === 'vm' ? fleet.vms.get(f.resourceId) : undefined;
    const evidenceMovements = Array.isArray(f.evidence.movements)
      ? (f.evidence.movements as PerimeterViolation['movements'])
      : undefined;
    out.push({
      fingerprint: f.fingerprint,
      severity: f.severity,
      title: f.title,
      resourceType: f.resourceType,
      vmId: f.resourceId,
      vmName: f.resourceName ?? vm?.name ?? f.resourceId,
      perimeter: vm?.perimeter ?? (typeof f.evidence.perimeter === 'string' ? f.evidence.perimeter : ''),
      perimeterSource: vm?.perimeterSource ?? '',
      hostId: vm?.hostId ?? (f.resourceType === 'host' ? f.resourceId : ''),
      movements: evidenceMovements ?? vm?.movements ?? [],
    });
  }
  return out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.vmId, b.vmId));
}

export function simulationScores(simulation: SimulationView | undefined): Map<string, number> {
  return new Map(simulation?.hosts.map((h) => [h.id, h.score]) ?? []);
}

/** The simulation stores ids only; people recognise hosts by name. */
export function withFleetNames(
  simulation: SimulationView,
  hostName: (id: string) => string | undefined,
): SimulationView {
  const named: SimulationView = {
    ...simulation,
    hosts: simulation.hosts.map((e) => {
      const name = e.name ?? hostName(e.id);
      return name !== undefined ? { ...e, name } : e;
    }),
  };
  if (simulation.downtime.per === 'host')
    named.downtime = {
      per: 'host',
      entries: simulation.downtime.entries.map((e) => ({ ...e, label: hostName(e.label) ?? e.label })),
    };
  return named;
}

/** Everything the HTML page shows, computed once here so the page only renders. */
export function buildReportData(inputs: ReportInputs): ReportData {
  // Counts cover every finding; the list holds a bounded sample of each rule's unverified ones (listed-findings.ts).
  const { listed, unlisted } = listedFindings(inputs.findings);
  const findings = listed.map((f) => toReportFinding(f, inputs.fleet)).sort(compareFindings);
  const open = zeroCounts();
  const byCategory: Record<string, number> = {};
  let waived = 0;
  let resolved = 0;
  let unverified = 0;
  for (const f of inputs.findings) {
    if (f.status === 'open') {
      open[f.severity]++;
      byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    } else if (f.status === 'waived') waived++;
    else if (f.status === 'unverified') unverified++;
    else resolved++;
  }
  const data: ReportData = {
    generatedAt: inputs.generatedAt,
    summary: {
      hosts: inputs.fleet.hosts.size,
      vms: inputs.fleet.vms.size,
      perimeters: inputs.fleet.perimeters.size,
      open,
      openTotal: SEVERITIES.reduce((n, s) => n + open[s], 0),
      waived,
      resolved,
      unverified,
      // By name: the findings come in the order the store's partitions answered, and report.json must not vary.
      byCategory: Object.fromEntries(Object.entries(byCategory).sort(([a], [b]) => compareText(a, b))),
    },
    findings,
    ...(unlisted > 0 && { unlistedUnverified: unlisted }),
    fixFirst: fixFirstGroups(findings),
    heatmap: heatmapOf(findings, inputs.fleet, simulationScores(inputs.simulation)),
    riskScale: riskScale(),
    perimeterViolations: perimeterViolationsOf(inputs.findings, inputs.fleet),
    trend: [...inputs.trend].sort((a, b) => compareText(a.at, b.at)),
  };
  if (inputs.simulation) data.simulation = withFleetNames(inputs.simulation, (id) => inputs.fleet.hosts.get(id)?.name);
  return data;
}
