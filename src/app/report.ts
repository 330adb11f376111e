import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding } from '../model/finding';
import type { Fleet } from '../model/fleet';
import type { FleetStore } from '../store/types';
import { lastSeenOf } from '../engine/lifecycle';
import { AUDIT_META_KEY, type AuditRunRecord } from './audit';
import { buildReportData, zeroCounts } from '../report/html/build-report-data';
import type { ReportData } from '../report/html/report-data';
import {
  LATEST_REPORT_META,
  RUN_META_PREFIX,
  type LatestReportMeta,
  type RunSummary,
} from '../report/html/report-meta';
import { findingsCsv } from '../report/html/report-csv';
import { renderReportHtml } from '../report/html/render-html';
import { toSimulationView, type SimulationView } from '../report/html/simulation-view';
import { SIMULATION_LATEST_KEY } from '../simulation/result';
import type { ComplianceRecord } from '../engine/compliance';
import { complianceHistory, loadCompliance } from './compliance-store';
import { toComplianceView, toUnverifiedView } from '../report/html/compliance-view';

/** Runs kept in the trend chart. */
const TREND_RUNS = 90;

import type { ReportFormat } from '../report/report-format';
export type { ReportFormat };

export interface ReportOptions {
  outDir: string;
  /** A directory that receives a copy of the files (the `latest` report). */
  latestDir?: string;
  /** Where people will open report.html (e.g. an S3 URL); recorded for `notify`. Default: its file:// URL. */
  publicUrl?: string;
  formats?: readonly ReportFormat[];
  now?: Date;
}

export interface ReportOutput {
  dir: string;
  files: string[];
  url: string;
  summary: RunSummary;
  /** Extra formats that could not be rendered (the rest of the report is still written). */
  warnings: string[];
}

/** Filesystem-safe timestamp for the default report directory: 2026-11-26T01-20-00-123Z. */
export function reportTimestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export function summariseRun(
  at: string,
  findings: readonly Finding[],
  fleet: Fleet,
  simulation: SimulationView | undefined,
): RunSummary {
  const summary: RunSummary = {
    at,
    hosts: fleet.hosts.size,
    vms: fleet.vms.size,
    open: zeroCounts(),
    unverified: zeroCounts(),
    waived: 0,
    resolved: 0,
  };
  for (const f of findings) {
    if (f.status === 'open') summary.open[f.severity] = (summary.open[f.severity] ?? 0) + 1;
    else if (f.status === 'unverified') summary.unverified![f.severity] = (summary.unverified![f.severity] ?? 0) + 1;
    else if (f.status === 'waived') summary.waived++;
    else summary.resolved++;
  }
  if (simulation?.energyKWh !== undefined) summary.energyKWh = simulation.energyKWh;
  if (simulation?.overloadedTimeFraction !== undefined)
    summary.overloadedTimeFraction = simulation.overloadedTimeFraction;
  return summary;
}

/** Reads what the report needs from the store and records this run for future trends. */
export async function collectReportData(
  store: FleetStore,
  now: Date,
): Promise<{
  data: ReportData;
  findings: Finding[];
  fleet: Fleet;
  summary: RunSummary;
  compliance: ComplianceRecord | undefined;
}> {
  const [stored, fleet, rawSimulation, lastAudit, compliance, complianceTrend] = await Promise.all([
    store.listFindings(),
    store.loadFleet(),
    store.getMeta<unknown>(SIMULATION_LATEST_KEY),
    store.getMeta<AuditRunRecord>(AUDIT_META_KEY),
    loadCompliance(store),
    complianceHistory(store, TREND_RUNS),
  ]);
  // Unchanged findings are not rewritten by each audit: their last sighting is the last full audit's time.
  const findings = stored.map((f) => ({ ...f, lastSeen: lastSeenOf(f, lastAudit?.lastFullAuditAt) }));
  const simulation = toSimulationView(rawSimulation);
  const at = now.toISOString();
  const summary = summariseRun(at, findings, fleet, simulation);
  await store.putMeta(`${RUN_META_PREFIX}${at}`, summary);
  const trend = (await store.listMeta<RunSummary>(RUN_META_PREFIX)).map((e) => e.value).slice(-TREND_RUNS);
  const data = buildReportData({ generatedAt: at, findings, fleet, trend, ...(simulation && { simulation }) });
  data.unverified = toUnverifiedView(findings);
  if (compliance !== undefined) data.compliance = toComplianceView(compliance, complianceTrend);
  return { data, findings, fleet, summary, compliance };
}

/**
 * `hyperaudit report`: the self-contained HTML page, its data as JSON, findings as CSV, and any audit
 * formats, written to `outDir` (and copied to `latestDir`); the location is recorded for `notify`.
 */
export async function generateReport(store: FleetStore, options: ReportOptions): Promise<ReportOutput> {
  const now = options.now ?? new Date();
  const { data, findings, fleet, summary, compliance } = await collectReportData(store, now);
  const contents = new Map<string, string>([
    ['report.html', renderReportHtml(data)],
    ['report.json', `${JSON.stringify(data, null, 2)}\n`],
    ['findings.csv', findingsCsv(data.findings)],
  ]);
  const warnings: string[] = [];
  for (const format of options.formats ?? []) {
    if (contents.has(format.fileName)) continue;
    try {
      contents.set(format.fileName, format.render(findings, fleet, data.generatedAt, compliance));
    } catch (err) {
      warnings.push(`${format.fileName} not written: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const dir = resolve(options.outDir);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of contents) await writeFile(join(dir, name), text, 'utf8');
  if (options.latestDir !== undefined) {
    const latest = resolve(options.latestDir);
    await mkdir(latest, { recursive: true });
    for (const name of contents.keys()) await copyFile(join(dir, name), join(latest, name));
  }

  const url = options.publicUrl ?? pathToFileURL(join(dir, 'report.html')).href;
  const meta: LatestReportMeta = { generatedAt: data.generatedAt, dir, url };
  await store.putMeta(LATEST_REPORT_META, meta);
  return { dir, files: [...contents.keys()].map((n) => join(dir, n)), url, summary, warnings };
}
