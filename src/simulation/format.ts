/** Plain-text tables for `hyperaudit simulate --format table` (no colour: output is often piped or logged). */
import Table from 'cli-table3';
import type { CloudSimResult } from './cloudsim';
import type { SimulationResult } from './result';
import type { ClusterAvailabilityDelta, ScoreDelta, WhatIfReport } from './what-if';
import { textTable } from '../report/formats/fit-table';
import { DEFAULT_TABLE_WIDTH } from '../report/formats/table';
import { compareText } from '../model/event-order';

const plain = { style: { head: [] as string[], border: [] as string[] } };
const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;

/** Tables are fitted to `width` (the terminal's; the 120-column default for pipes and files), cutting ids and names. */
export function formatSimulation(r: SimulationResult, top = 15, width = DEFAULT_TABLE_WIDTH): string {
  const f = r.fleet;
  const out: string[] = [];
  out.push(
    `window ${r.window.start}, ${r.window.steps} × ${r.window.stepSeconds} s; seed ${r.seed}; ${r.trials} availability trials`,
  );
  const summary = new Table({ ...plain });
  summary.push(
    ['hosts (active)', `${f.hosts} (${f.activeHosts})`],
    ['VMs (running)', `${f.vms} (${f.runningVms})`],
    [
      'energy',
      `${f.energyKWh.toFixed(2)} kWh${f.hostsWithoutPowerCurve > 0 ? ` (${f.hostsWithoutPowerCurve} host(s) without SPECpower curve not counted)` : ''}`,
    ],
    ['overloaded time (active hosts)', pct(f.overloadedTimeFraction, 2)],
    ['CPU ready per vCPU', `${f.cpuReadyPct.toFixed(2)} %`],
    ['host score mean / max / ≥50', `${f.hostScoreMean} / ${f.hostScoreMax} / ${f.hostsScoring50OrMore}`],
    ['VM downtime mean', `${f.vmDowntimeHoursPerYearMean.toFixed(3)} h/year`],
    ['anti-affinity violations', String(f.antiAffinityViolations)],
    ['clusters without failover capacity', String(f.clustersWithoutFailover)],
  );
  out.push(summary.toString());

  const hosts = Object.entries(r.hosts)
    .sort((a, b) => b[1].score - a[1].score || compareText(a[0], b[0]))
    .slice(0, top);
  if (hosts.length > 0) {
    const rows = hosts.map(([id, h]) => [
      id,
      h.cluster,
      h.score.toFixed(1),
      pct(h.overloadedTimeFraction),
      `${h.cpuReadyPct.toFixed(1)} %`,
      h.memoryOvercommit.toFixed(2),
      String(h.coincidingPeaks),
      h.energyKWh === null ? '-' : h.energyKWh.toFixed(2),
      h.reasons.map((x) => `${x.component} ${x.points}`).join(', ') || '-',
    ]);
    const t = textTable(['host', 'cluster', 'score', 'overloaded', 'ready', 'mem ×', 'peaks', 'kWh', 'reasons'], rows, {
      width,
      cuttable: [0, 1, 8],
    });
    out.push(`hosts by score (top ${hosts.length} of ${f.hosts})`, t);
  }

  const clusters = Object.entries(r.clusters);
  if (clusters.length > 0) {
    const rows = clusters.map(([id, c]) => [
      id,
      String(c.hosts),
      String(c.vms),
      `${c.haToleratedFailures} host(s)`,
      `${c.pCannotRestart.toExponential(2)} ± ${c.pCannotRestartStdErr.toExponential(1)}`,
    ]);
    const t = textTable(['cluster', 'hosts', 'VMs', 'HA tolerates', 'P(cannot restart)'], rows, {
      width,
      cuttable: [0],
    });
    out.push('clusters', t);
  }

  const apps = Object.entries(r.apps)
    .sort((a, b) => b[1].expectedDowntimeHoursPerYear - a[1].expectedDowntimeHoursPerYear || compareText(a[0], b[0]))
    .slice(0, top);
  if (apps.length > 0) {
    const rows = apps.map(([id, a]) => [
      id,
      String(a.vms),
      String(a.hosts),
      a.expectedDowntimeHoursPerYear.toFixed(4),
      String(a.antiAffinityViolations),
    ]);
    const t = textTable(['app', 'VMs', 'hosts', 'downtime h/year', 'replicas sharing a host'], rows, {
      width,
      cuttable: [0],
    });
    out.push(`apps by expected downtime (top ${apps.length})`, t);
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}

function fmtDelta(d: ScoreDelta, digits = 2): string[] {
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(digits));
  return [f(d.before), f(d.after), d.delta === null ? '-' : `${d.delta > 0 ? '+' : ''}${d.delta.toFixed(digits)}`];
}

export function formatWhatIf(r: WhatIfReport, top = 20, width = DEFAULT_TABLE_WIDTH): string {
  const out: string[] = [];
  for (const n of r.notes) out.push(`- ${n}`);
  const fleet = new Table({ ...plain, head: ['fleet', 'before', 'after', 'delta'] });
  for (const [k, d] of Object.entries(r.fleet)) fleet.push([k, ...fmtDelta(d, k === 'overloadedTimeFraction' ? 4 : 2)]);
  out.push(fleet.toString());
  if (r.hosts.length > 0) {
    const t = textTable(
      ['host', 'score before', 'after', 'delta', 'overloaded before', 'after', 'delta'],
      r.hosts.slice(0, top).map((h) => [h.hostId, ...fmtDelta(h, 1), ...fmtDelta(h.overloadedTimeFraction, 4)]),
      { width, cuttable: [0] },
    );
    out.push(`hosts whose score changed (${r.hosts.length})`, t);
  }
  if (r.clusters.length > 0)
    out.push('cluster availability (before → after)', formatClusterAvailability(r.clusters, width));
  if (r.vms.length > 0) {
    const t = textTable(
      ['VM', 'host before', 'host after', 'score before', 'after', 'delta'],
      r.vms.slice(0, top).map((v) => [v.vmId, v.hostBefore ?? '-', v.hostAfter ?? '-', ...fmtDelta(v, 1)]),
      { width, cuttable: [0, 1, 2] },
    );
    out.push(`VMs moved or rescored (${r.vms.length})`, t);
  }
  return `${out.join('\n')}\n`;
}

/** One row per cluster, each cell `before → after`, so a change that costs availability shows beside its cluster. */
function formatClusterAvailability(clusters: readonly ClusterAvailabilityDelta[], width: number): string {
  const arrow = (d: ScoreDelta, f: (x: number) => string) => {
    const side = (x: number | null) => (x === null ? '-' : f(x));
    return d.before === d.after ? side(d.before) : `${side(d.before)} → ${side(d.after)}`;
  };
  const int = (x: number) => String(x);
  return textTable(
    [
      'cluster',
      'P(cannot restart)',
      'HA tolerates',
      'replica sets lost',
      'blast radius VMs',
      'blast radius apps',
      'downtime mean h/year',
      'downtime max h/year',
    ],
    clusters.map((c) => [
      c.clusterId,
      arrow(c.pCannotRestart, (x) => x.toExponential(2)),
      arrow(c.haToleratedFailures, (x) => `${x} host(s)`),
      arrow(c.replicaSetsLost, int),
      arrow(c.blastRadiusVmsMax, int),
      arrow(c.blastRadiusAppsMax, int),
      arrow(c.vmDowntimeHoursMean, (x) => x.toFixed(3)),
      arrow(c.vmDowntimeHoursMax, (x) => x.toFixed(3)),
    ]),
    { width, cuttable: [0] },
  );
}

export function formatCloudSim(r: CloudSimResult): string {
  const t = new Table({
    ...plain,
    head: ['policy', 'energy kWh', 'SLATAH', 'active host-hours', 'violation host-hours'],
  });
  for (const [name, p] of [
    ['NPA', r.npa],
    ['DVFS', r.dvfs],
  ] as const) {
    t.push([
      name,
      p.energyKWh.toFixed(2),
      p.slatah.toFixed(6),
      (p.activeHostSeconds / 3600).toFixed(1),
      (p.violationHostSeconds / 3600).toFixed(1),
    ]);
  }
  return `CloudSim 4.0 PlanetLab accounting: ${r.vms} VMs on ${r.hostsUsed} of ${r.hosts} hosts (first fit); ${r.vmsRemoved} VMs removed at zero request; last update ${r.lastUpdateSeconds.toFixed(1)} s\n${t.toString()}\n`;
}
