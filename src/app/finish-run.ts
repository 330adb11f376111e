import type { S3Client } from '@aws-sdk/client-s3';
import { atOrAbove, SEVERITIES, type Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { finishShardedAudit } from './finish-sharded-audit';
import {
  AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY,
  publishReport,
  renderReport,
  reportTimestamp,
  type ReportFormat,
} from './report';
import { keyPrefix } from '../store/artifacts/artifact-store';
import { auditReportFormats } from '../report/html/audit-formats';
import { fitForItem, mergeClusterResults, storedForm, type SimulationResult } from './simulate';
import { storeClusterSimulations } from './simulation-state';
import { STATE, writeState } from '../store/state-keys';
import { runKeys } from '../model/run-files';
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
}

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
  const shards = await Promise.all(shardKeys.map((k) => getJson(deps.s3, deps.bucket, k) as Promise<SimulationResult>));
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
  // SARIF, JUnit, OCSF and ASFF as `hyperaudit report` renders them: from the stored findings and the
  // compliance record this full audit just stored, so both give the same test cases.
  const formats: ReportFormat[] = auditReportFormats({ rules: deps.rules, profile: audit.profile });
  // S3 receives each file as one PutObject body: above the limit the audit formats are left out with a warning.
  const rendered = await renderReport(deps.store, {
    now,
    formats,
    auditFormatsMaxFindings: AUDIT_FORMATS_MAX_FINDINGS_IN_ONE_BODY,
  });
  const artifacts = deps.artifacts;
  // A local run links the local file (cli: never an s3:// or console link for a bucket that does not exist).
  const { files: keys, url } = await publishReport(deps.store, artifacts, rendered, {
    run: keyPrefix(reportPrefix),
    latest: keyPrefix(LATEST_REPORT_PREFIX),
    ...(deps.reportUrl !== undefined && { url: deps.reportUrl }),
  });
  return {
    runId: input.runId,
    reportPrefix,
    keys,
    url,
    clustersSimulated: shards.length,
    findings: audit.summary.findings,
    failing,
    failThreshold: deps.failThreshold,
  };
}
