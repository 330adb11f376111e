import type { S3Client } from '@aws-sdk/client-s3';
import { atOrAbove, SEVERITIES, type Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { finishShardedAudit } from './finish-sharded-audit';
import {
  AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY,
  publishReport,
  renderReport,
  reportTimestamp,
  type RenderedReport,
  type ReportFormat,
} from './report';
import { assembleFindingsCsv, renderFleetReport, type FleetReportFigures } from './fleet-report';
import { keyPrefix } from '../store/artifacts/artifact-store';
import { auditReportFormats } from '../report/html/audit-formats';
import { fitForItem, mergeClusterResults, storedForm, type SimulationResult } from './simulate';
import { storeClusterSimulations } from './simulation-state';
import { STATE, writeState } from '../store/state-keys';
import { RUN_FILE_LIMITS, runKeys } from '../model/run-files';
import { getJson, listKeys } from '../store/s3-json';
import type { ReportStepInput } from './workflow-input';
import type { Ports } from './ports';

/** `artifacts` is where the report's files go (the run bucket on AWS); `clock` stamps the report and simulations. */
export interface ReportStepDeps extends Ports<'store' | 'artifacts' | 'clock'> {
  /** Run files (the shards' simulation results) are read from here. */
  s3: S3Client;
  bucket: string;
  rules: readonly LoadedRule[];
  failThreshold: Severity;
  /**
   * Where people open the report of a run (the link Slack shows). Default: the object in the S3 console; a
   * local run gives a path on this machine, since its bucket exists nowhere else.
   */
  reportUrl?: (reportKey: string) => string;
  /**
   * Above this many current findings a run whose shards staged their lifecycle gets the fleet-scale report, assembled
   * from the shards' fragments (fleet-report.ts); at or below it the report reads the table as `hyperaudit report`
   * does. Default: FLEET_REPORT_ABOVE_FINDINGS.
   */
  fleetReportAbove?: number;
  /** The smallest findings.csv part but the last (S3's 5 MiB; tests lower it with the local S3's). */
  csvMinPartBytes?: number;
}

/**
 * Where the report switches to the fleet-scale one: the audit formats are left out above the same count (one S3 body
 * each), and the page's full list of findings is already too large to be useful (docs/report.md, "A million-VM fleet").
 */
export const FLEET_REPORT_ABOVE_FINDINGS = AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY;

export interface ReportStepOutput {
  runId: string;
  /** Where this run's report files are: `reports/<time>-<runId>/`, mirrored to `reports/latest/`. */
  reportPrefix: string;
  keys: string[];
  url: string;
  clustersSimulated: number;
  /** Open findings by severity after the run's audit. */
  findings: Record<Severity, number>;
  /** Open findings at or above the fail threshold. */
  failing: number;
  failThreshold: Severity;
  /** The fleet-scale report's assembly, when the run had one (fleet-report.ts). */
  fleetReport?: FleetReportFigures;
}

/** The newest run's report files are also kept here, so a bookmark always opens the latest. */
export const LATEST_REPORT_PREFIX = 'reports/latest/';

/**
 * Last compute step of a run: stores the per-cluster simulations (and the one-item `simulation/latest`),
 * merges the shards' audits into the stored findings (finish-sharded-audit.ts), renders the report and hands
 * its files to the artifact store. The Slack digest (next state) links to it.
 */
export async function reportStep(input: ReportStepInput, deps: ReportStepDeps): Promise<ReportStepOutput> {
  const now = deps.clock.now();
  const shardKeys = (await listKeys(deps.s3, deps.bucket, runKeys.simulationPrefix(input.runId))).filter((k) =>
    k.endsWith('.json'),
  );
  const shards = await Promise.all(
    shardKeys.map((k) => getJson(deps.s3, deps.bucket, k, RUN_FILE_LIMITS.simulation) as Promise<SimulationResult>),
  );
  if (shards.length > 0) {
    const merged = mergeClusterResults(shards);
    // Every host's figures per cluster, for the rules (no single-item limit); the one-item summary for the
    // report's charts, trimmed to the riskiest hosts on a large fleet (fitForItem).
    await storeClusterSimulations(deps.store, input.runId, shards, now.toISOString());
    await writeState(
      deps.store,
      STATE.simulationLatest,
      fitForItem({ ...storedForm(merged), simulatedAt: now.toISOString() }),
    );
  }
  const audit = await finishShardedAudit({ runId: input.runId, ...input.audit }, deps);
  // From the counts: the finish step no longer holds every finding (the shards ran their lifecycle).
  const failing = SEVERITIES.filter((s) => atOrAbove(s, deps.failThreshold)).reduce(
    (n, s) => n + audit.summary.findings[s],
    0,
  );

  const reportPrefix = `reports/${reportTimestamp(now)}-${input.runId}/`;
  const sharded = audit.shards;
  const fleetScale = sharded !== undefined && sharded.current > (deps.fleetReportAbove ?? FLEET_REPORT_ABOVE_FINDINGS);
  let fleetReport: FleetReportFigures | undefined;
  let rendered: RenderedReport;
  const csvKeys: string[] = [];
  if (fleetScale) {
    // Assembled from the shards' fragments: no finding or entity is read from the table (fleet-report.ts).
    const fleet = await renderFleetReport(deps, {
      runId: input.runId,
      shards: sharded.ids,
      perimeterFindings: sharded.perimeterFindings,
      perimeters: sharded.perimeters,
      profile: audit.profile,
      auditedAt: input.audit.auditedAt,
      now,
    });
    const key = `${reportPrefix}findings.csv`;
    const latestKey = `${LATEST_REPORT_PREFIX}findings.csv`;
    const csv = await assembleFindingsCsv(
      deps,
      { runId: input.runId, shards: sharded.ids, perimeterRows: fleet.perimeterRows, key, latestKey },
      deps.csvMinPartBytes,
    );
    csvKeys.push(key, latestKey);
    fleetReport = { ...fleet.figures, ...csv, requests: csv.requests + fleet.figures.summaries };
    rendered = fleet.rendered;
    rendered.warnings.push(
      `SARIF, JUnit, OCSF and ASFF not written: ${sharded.current} current findings; a fleet-scale report is ` +
        'assembled from the shards and holds the page, report.json and findings.csv (docs/report.md)',
    );
  }
  // SARIF, JUnit, OCSF and ASFF as `hyperaudit report` renders them: from the stored findings and the
  // compliance record this full audit just stored, so both give the same test cases.
  // S3 receives each file as one PutObject body: above the limit the audit formats are left out with a warning.
  else
    rendered = await renderReport(deps.store, {
      now,
      formats: auditReportFormats({ rules: deps.rules, profile: audit.profile }) satisfies ReportFormat[],
      auditFormatsMaxFindings: AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY,
    });
  const artifacts = deps.artifacts;
  // A local run links the local file (cli: never an s3:// or console link for a bucket that does not exist).
  const published = await publishReport(deps.store, artifacts, rendered, {
    run: keyPrefix(reportPrefix),
    latest: keyPrefix(LATEST_REPORT_PREFIX),
    ...(deps.reportUrl !== undefined && { url: deps.reportUrl }),
  });
  const keys = [...published.files, ...csvKeys];
  const url = published.url;
  return {
    runId: input.runId,
    reportPrefix,
    keys,
    url,
    clustersSimulated: shards.length,
    findings: audit.summary.findings,
    failing,
    failThreshold: deps.failThreshold,
    ...(fleetReport !== undefined && { fleetReport }),
  };
}
