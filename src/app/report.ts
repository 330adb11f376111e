import {
  type ArtifactFile,
  type ArtifactPrefix,
  type ArtifactStore,
  contentTypeOf,
  folderPrefix,
} from '../store/artifacts/artifact-store';
import type { Ports } from './ports';
import type { Finding } from '../model/finding';
import { compareText } from '../model/event-order';
import type { Fleet } from '../model/fleet';
import type { FleetStore } from '../store/types';
import { lastSeenOf } from '../engine/lifecycle';
import { auditStampOf } from './audit';
import { profileOf } from '../engine/fingerprint';
import { buildReportData, compareFindings, toCsvFinding, zeroCounts } from '../report/html/build-report-data';
import type { ReportData } from '../report/html/report-data';
import type { LatestReportMeta, RunSummary } from '../report/html/report-meta';
import { readState, STATE, writeState, type StateValue } from '../store/state-keys';
import { readTrend, recordTrendEntry } from './run-trend';
import { findingsCsvPieces } from '../report/html/report-csv';
import { reportExcursions, type ReportExcursion } from '../report/html/excursions-section';
import { renderReportHtml } from '../report/html/render-html';
import { toSimulationView, type SimulationView } from '../report/html/simulation-view';
import { toPlanView } from '../report/html/plan-view';
import type { ComplianceRecord } from '../engine/compliance';
import { complianceHistory, loadCompliance } from './compliance-store';
import { toComplianceView, toUnverifiedView, type UnverifiedView } from '../report/html/compliance-view';

/**
 * The audit formats (SARIF, JUnit, OCSF, ASFF) are written in pieces, about 2 KB per finding, so a folder takes
 * any number. An artifact store that sends each file as one body (S3's PutObject) cannot hold one past about
 * 200,000 findings (V8 caps a string at about 512 MB): its callers pass this limit, above which the report leaves
 * the audit formats out with a warning. The page, report.json and findings.csv are still written.
 */
export const AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY = 200_000;

import type { ReportFormat } from '../report/report-format';
export type { ReportFormat };

export interface ReportOptions {
  outDir: string;
  /** A directory that receives a copy of the files (the `latest` report). */
  latestDir?: string;
  /** Where people will open report.html (e.g. an S3 URL); recorded for `notify`. Default: its file:// URL. */
  publicUrl?: string;
  formats?: readonly ReportFormat[];
  /** The stored fleet when the caller has just read it (ensureCurrentAudit does): the report reads it once. */
  fleet?: Fleet;
  /** The stored views (simulation, plan, audit stamp, compliance), read ahead by a caller that wrote none since. */
  views?: Promise<StoredReportViews>;
}

export interface ReportOutput {
  dir: string;
  files: string[];
  url: string;
  summary: RunSummary;
  /** Extra formats that could not be rendered (the rest of the report is still written). */
  warnings: string[];
  /** The audit the report shows; undefined when the store holds none. */
  audit?: ReportData['audit'];
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
  return withSimulationFigures(summary, simulation);
}

/** The run summary's simulation figures (energy only when the fleet has power curves), from the stored simulation. */
export function withSimulationFigures(summary: RunSummary, simulation: SimulationView | undefined): RunSummary {
  if (simulation?.energy !== undefined) summary.energyKWh = simulation.energy.kWh;
  if (simulation !== undefined) summary.overloadedTimeFraction = simulation.overloadedTimeFraction;
  return summary;
}

/** What every report reads from the store beside the findings and the fleet: small state items. */
export interface StoredReportViews {
  simulation: SimulationView | undefined;
  lastAudit: StateValue<typeof STATE.auditLatest> | undefined;
  plan: ReturnType<typeof toPlanView>;
  compliance: ComplianceRecord | undefined;
  complianceTrend: Awaited<ReturnType<typeof complianceHistory>>;
}

export async function readStoredViews(store: FleetStore): Promise<StoredReportViews> {
  const [rawSimulation, lastAudit, rawPlan, compliance, complianceTrend] = await Promise.all([
    readState(store, STATE.simulationLatest),
    readState(store, STATE.auditLatest),
    readState(store, STATE.planLatest),
    loadCompliance(store),
    complianceHistory(store),
  ]);
  return {
    simulation: toSimulationView(rawSimulation),
    lastAudit,
    plan: toPlanView(rawPlan),
    compliance,
    complianceTrend,
  };
}

/** Records this run's summary for future trends and returns the trend, this run included. */
export async function recordRunTrend(store: FleetStore, summary: RunSummary): Promise<RunSummary[]> {
  await recordTrendEntry(store, STATE.runSummaries, summary.at, summary);
  return readTrend(store, STATE.runSummaries);
}

/**
 * The stored plan, audit stamp and compliance view on the page's data, with the excursions and the unverified view
 * between them: report.json keeps its keys' order.
 */
export function withStoredViews(
  data: ReportData,
  views: StoredReportViews,
  own: { excursions: ReportExcursion[]; unverified: UnverifiedView },
): ReportData {
  if (views.plan) data.plan = views.plan;
  data.excursions = own.excursions;
  if (views.lastAudit !== undefined) data.audit = auditStampOf(views.lastAudit);
  data.unverified = own.unverified;
  if (views.compliance !== undefined) data.compliance = toComplianceView(views.compliance, views.complianceTrend);
  return data;
}

/** Reads what the report needs from the store and records this run for future trends. */
export async function collectReportData(
  store: FleetStore,
  now: Date,
  loadedFleet?: Fleet,
  viewsReadAhead?: Promise<StoredReportViews>,
): Promise<{
  data: ReportData;
  findings: Finding[];
  fleet: Fleet;
  summary: RunSummary;
  compliance: ComplianceRecord | undefined;
}> {
  const [stored, fleet, views] = await Promise.all([
    store.listFindings(),
    loadedFleet ?? store.loadFleet(),
    viewsReadAhead ?? readStoredViews(store),
  ]);
  const { lastAudit, simulation } = views;
  // Unchanged findings are not rewritten by each audit: their last sighting is the last full audit's time.
  // Only the latest audit's profile is shown: the other profile's findings follow their own lifecycle (item 7).
  const findings = stored
    .filter((f) => lastAudit === undefined || profileOf(f) === lastAudit.profile)
    .map((f) => ({ ...f, lastSeen: lastSeenOf(f, lastAudit?.lastFullAuditAt) }));
  const at = now.toISOString();
  const summary = summariseRun(at, findings, fleet, simulation);
  const trend = await recordRunTrend(store, summary);
  const data = buildReportData({ generatedAt: at, findings, fleet, trend, ...(simulation && { simulation }) });
  withStoredViews(data, views, { excursions: reportExcursions(fleet, at), unverified: toUnverifiedView(findings) });
  return { data, findings, fleet, summary, compliance: views.compliance };
}

/**
 * The order of findings.csv and the audit formats: the page's (status, severity, rule, resource), then fingerprint,
 * so two findings alike in all four (another profile's, a resolved and an unverified one) never keep the order the
 * store's partitions happened to answer in: the same store gives the same files.
 */
function inReportOrder(a: Finding, b: Finding): number {
  return compareFindings(a, b) || compareText(a.fingerprint, b.fingerprint);
}

export interface RenderedReport {
  files: ArtifactFile[];
  data: ReportData;
  summary: RunSummary;
  /** Extra formats that could not be rendered (the rest of the report is still there). */
  warnings: string[];
}

/**
 * The self-contained HTML page, its data as JSON, findings as CSV and any audit formats, as files in memory;
 * the run is recorded for future trends. Writing the files is the artifact store's job.
 */
export async function renderReport(
  store: FleetStore,
  options: {
    now: Date;
    formats?: readonly ReportFormat[];
    fleet?: Fleet;
    views?: Promise<StoredReportViews>;
    /** Left out above this many current findings (a store that joins each file; default: no limit). */
    auditFormatsMaxFindings?: number;
  },
): Promise<RenderedReport> {
  const maxForFormats = options.auditFormatsMaxFindings ?? Number.POSITIVE_INFINITY;
  const { data, findings, fleet, summary, compliance } = await collectReportData(
    store,
    options.now,
    options.fleet,
    options.views,
  );
  const sorted = [...findings].sort(inReportOrder);
  const contents = new Map<string, ArtifactFile['body']>([
    ['report.html', renderReportHtml(data)],
    ['report.json', `${JSON.stringify(data, null, 2)}\n`],
    // Every finding, the unverified ones the page does not list included, in pieces; iterable again for each
    // place the files are written (the report folder and `latest`).
    ['findings.csv', { [Symbol.iterator]: () => findingsCsvPieces(sorted, (f) => toCsvFinding(f, fleet)) }],
  ]);
  const warnings: string[] = [];
  const current = findings.reduce((n, f) => (f.status === 'resolved' ? n : n + 1), 0);
  const formats = options.formats ?? [];
  if (formats.length > 0 && current > maxForFormats)
    warnings.push(
      `${formats.map((f) => f.fileName).join(', ')} not written: ${current} current findings, more than the ` +
        `${maxForFormats} this report's store takes as one body (docs/findings-at-scale.md)`,
    );
  for (const format of current > maxForFormats ? [] : formats) {
    if (contents.has(format.fileName)) continue;
    try {
      contents.set(format.fileName, format.render(sorted, fleet, data.generatedAt, compliance, data.audit));
    } catch (err) {
      warnings.push(`${format.fileName} not written: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const files = [...contents].map(([name, body]) => ({ name, body, contentType: contentTypeOf(name) }));
  return { files, data, summary, warnings };
}

/** Records where the latest report is, for `notify` and `serve`'s `GET /report`. */
export async function recordLatestReport(store: FleetStore, meta: LatestReportMeta): Promise<void> {
  await writeState(store, STATE.reportLatest, meta);
}

/** Where a rendered report goes: the run's own place, the `latest` copy, and how its link is made. */
export interface ReportPlaces {
  run: ArtifactPrefix;
  latest?: ArtifactPrefix;
  /** The link people open, from the page's location; default: the artifact store's `locate`. */
  url?: (reportLocation: string) => string;
}

/**
 * The tail the CLI and the workflow share: the files to the run's place and to `latest`, the link, and the
 * record `notify` and `serve` read.
 */
export async function publishReport(
  store: FleetStore,
  artifacts: ArtifactStore,
  rendered: RenderedReport,
  places: ReportPlaces,
): Promise<{ dir: string; files: string[]; url: string }> {
  const files = await artifacts.put(places.run.prefix, rendered.files);
  if (places.latest !== undefined) {
    const names = rendered.files.map((f) => f.name);
    // Copied where the store can: the files in pieces (CSV, audit formats) are not rendered a second time.
    if (artifacts.copy !== undefined) await artifacts.copy(places.run.prefix, places.latest.prefix, names);
    else await artifacts.put(places.latest.prefix, rendered.files);
  }
  const page = places.run.file('report.html');
  const url = places.url !== undefined ? places.url(page) : artifacts.locate(page);
  const dir = places.run.prefix;
  await recordLatestReport(store, { generatedAt: rendered.data.generatedAt, dir, url });
  return { dir, files, url };
}

/**
 * `hyperaudit report`: the rendered report written to `outDir` (and again to `latestDir`), folders of the artifact
 * store (the CLI and `serve` pass the folder one); the location is recorded for `notify`. `clock` stamps the run.
 */
export async function generateReport(
  ports: Ports<'store' | 'clock' | 'artifacts'>,
  options: ReportOptions,
): Promise<ReportOutput> {
  const { store, artifacts } = ports;
  const rendered = await renderReport(store, {
    now: ports.clock.now(),
    formats: options.formats ?? [],
    ...(options.fleet !== undefined && { fleet: options.fleet }),
    ...(options.views !== undefined && { views: options.views }),
  });
  const publicUrl = options.publicUrl;
  const { dir, files, url } = await publishReport(store, artifacts, rendered, {
    run: folderPrefix(options.outDir),
    ...(options.latestDir !== undefined && { latest: folderPrefix(options.latestDir) }),
    ...(publicUrl !== undefined && { url: () => publicUrl }),
  });
  return {
    dir,
    files,
    url,
    summary: rendered.summary,
    warnings: rendered.warnings,
    ...(rendered.data.audit && { audit: rendered.data.audit }),
  };
}
