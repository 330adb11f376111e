import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { atOrAbove, type Severity } from '../model/finding';
import type { LoadedRule } from '../engine/types';
import { runAudit } from './audit';
import { generateReport, reportTimestamp, type ReportFormat } from './report';
import { renderAuditFiles } from '../report/html/audit-formats';
import { fitForItem, mergeClusterResults, SIMULATION_LATEST_KEY, storedForm, type SimulationResult } from './simulate';
import type { FleetStore } from '../store/types';
import { runKeys } from '../model/run-files';
import { getJson, listKeys, putText } from '../store/s3-json';
import type { RunInput } from './workflow-input';

export interface ReportStepDeps {
  store: FleetStore;
  s3: S3Client;
  bucket: string;
  rules: readonly LoadedRule[];
  failThreshold: Severity;
  now?: () => Date;
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
  /** Open findings at or above the fail threshold. */
  failing: number;
  failThreshold: Severity;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.sarif': 'application/sarif+json',
  '.xml': 'application/xml',
};

/** Private bucket: the link opens the object in the S3 console for someone signed in to the account. */
export function consoleUrl(bucket: string, key: string): string {
  return `https://console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(key)}`;
}

/**
 * Last compute step of a run: merges the per-cluster simulations into the stored `simulation/latest`, re-audits
 * the fleet so simulation-based rules see them, renders the report and uploads it to S3. The Slack digest
 * (next state) links to it.
 */
export async function reportStep(input: RunInput, deps: ReportStepDeps): Promise<ReportStepOutput> {
  const now = (deps.now ?? (() => new Date()))();
  const shardKeys = (await listKeys(deps.s3, deps.bucket, runKeys.simulationPrefix(input.runId))).filter((k) =>
    k.endsWith('.json'),
  );
  const shards = await Promise.all(shardKeys.map((k) => getJson(deps.s3, deps.bucket, k) as Promise<SimulationResult>));
  if (shards.length > 0) {
    const merged = mergeClusterResults(shards);
    // One DynamoDB item holds it: a large fleet's figures are trimmed to what the rules read (fitForItem).
    await deps.store.putMeta(
      SIMULATION_LATEST_KEY,
      fitForItem({ ...storedForm(merged), simulatedAt: now.toISOString() }),
    );
  }
  const audit = await runAudit(deps.store, { rules: deps.rules, full: true, now: now.toISOString() });
  const failing = audit.findings.filter((f) => f.status === 'open' && atOrAbove(f.severity, deps.failThreshold)).length;

  const reportPrefix = `reports/${reportTimestamp(now)}-${input.runId}/`;
  const outDir = await mkdtemp(join(tmpdir(), 'hyperaudit-report-'));
  try {
    // SARIF, JUnit, OCSF and ASFF from this run's audit, whose coverage also gives JUnit its passing cases.
    const formats: ReportFormat[] = [...renderAuditFiles(audit)].map(([fileName, text]) => ({
      fileName,
      render: () => text,
    }));
    const out = await generateReport(deps.store, {
      outDir,
      publicUrl: (deps.reportUrl ?? ((key) => consoleUrl(deps.bucket, key)))(`${reportPrefix}report.html`),
      now,
      formats,
    });
    const keys: string[] = [];
    for (const file of out.files) {
      const body = await readFile(file, 'utf8');
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      const key = `${reportPrefix}${basename(file)}`;
      await putText(deps.s3, deps.bucket, key, body, type);
      await putText(deps.s3, deps.bucket, `reports/latest/${basename(file)}`, body, type);
      keys.push(key);
    }
    return {
      runId: input.runId,
      reportPrefix,
      keys,
      url: out.url,
      clustersSimulated: shards.length,
      failing,
      failThreshold: deps.failThreshold,
    };
  } finally {
    // Lambda's /tmp outlives the invocation; a warm container must not fill it run after run.
    await rm(outDir, { recursive: true, force: true });
  }
}
