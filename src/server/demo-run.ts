import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { evaluateChanges } from '../app/evaluate-changes';
import { loadRules } from '../engine/load-rules';
import type { LoadedRule } from '../engine/types';
import { parseWaiverText } from '../engine/waivers';
import { compareBySeverityThenId, type Finding } from '../model/finding';
import { storeWaivers } from '../app/audit';
import { ingestOutcomes, type IngestReport } from '../app/ingest';
import { recordTracesFolder, type storedForm } from '../app/simulate';
import { readState, STATE } from '../store/state-keys';
import { readSources } from '../sources/read-sources';
import type { SourceOutcome } from '../sources/types';
import type { FleetStore } from '../store/types';
import { streamInsertRecords } from './aws-shapes';
import { startLocalS3 } from './local-s3';
import { runLocalWorkflow, type WorkflowRun } from './local-workflow';
import { RecordingStore } from './recording-store';
import { silentReporter, timedReporter, type StepReporter } from './step-progress';
import { fixedClock } from '../model/ports/clock';

/** What the demo ingests, relative to the samples folder: the canonical fleet, then the source-format files. */
export const DEMO_INPUTS = [
  'fleet/perimeters.ndjson',
  'fleet/hosts.ndjson',
  'fleet/vms.ndjson',
  'fleet/history.ndjson',
  'sources',
] as const;

/** Records per evaluate invocation: the batch size of the table stream's event source in infra/ (change-evaluation). */
export const STREAM_BATCH_SIZE = 100;

const BUCKET = 'hyperaudit-reports';

export interface DemoOptions {
  samplesDir: string;
  /** Report directory: the report step's files (report.html, report.json, findings.csv, …) are copied here. */
  outDir: string;
  /** Where the local reports bucket keeps its objects (the workflow's run files and reports). */
  bucketDir: string;
  /** Slack incoming webhook; without it nothing is posted. */
  webhookUrl?: string;
  /** Rules the handlers evaluate; default: the shipped packs, profile scg. */
  rules?: readonly LoadedRule[];
  reporter?: StepReporter;
  now?: Date;
}

export type StoredSimulationSummary = ReturnType<typeof storedForm> & { simulatedAt: string };

export interface DemoResult {
  ingest: IngestReport;
  /** The stream records handed to the evaluate handler, in how many invocations, and the entities they named. */
  evaluation: { records: number; batches: number; subjects: number };
  workflow: WorkflowRun;
  /** Open and waived findings after the run, most severe first: what the report lists. */
  findings: Finding[];
  /** The merged cluster simulations the report step stored for the audit. */
  simulation?: StoredSimulationSummary;
  /** The report files in outDir. */
  report: { dir: string; files: string[] };
  /** Wall time of each step, in order. */
  timings: { step: string; ms: number }[];
}

/** Counts findings by `category` and severity (open) plus unverified and waived, for the summary table. */
export function findingsByCategory(findings: readonly Finding[]): Map<string, Record<string, number>> {
  const table = new Map<string, Record<string, number>>();
  for (const f of findings) {
    const row = table.get(f.category) ?? {};
    const key = f.status === 'waived' || f.status === 'unverified' ? f.status : f.severity;
    if (f.status !== 'resolved') row[key] = (row[key] ?? 0) + 1;
    table.set(f.category, row);
  }
  return table;
}

/** Copies the report step's objects out of the bucket, so the report a person opens has a stable path. */
async function copyReport(s3: S3Client, keys: readonly string[], outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  return Promise.all(
    keys.map(async (key) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const body = await object.Body?.transformToByteArray();
      if (body === undefined) throw new Error(`s3://${BUCKET}/${key} has no body`);
      const file = join(outDir, basename(key));
      await writeFile(file, body);
      return file;
    }),
  );
}

/**
 * The sample fleet through the deployed handlers' code, as AWS would run it: the files are read and stored
 * by the CLI's ingest path (RVTools workbooks and exports never arrive over HTTP); the events stored become
 * DynamoDB stream INSERT records for the evaluate handler, in the stream's batch size (incremental audit);
 * then the scheduled compliance workflow runs state by state (full audit, per-cluster simulation shards over
 * the local reports bucket, report, Slack digest when a webhook is given). The store is the caller's: the
 * demo CLI gives it a fresh embedded DynamoDB server, the e2e test the same.
 */
export async function runDemo(store: FleetStore, opts: DemoOptions): Promise<DemoResult> {
  const timings: DemoResult['timings'] = [];
  const reporter = timedReporter(opts.reporter ?? silentReporter, timings);
  const now = opts.now ?? new Date();
  const rules = opts.rules ?? loadRules();

  const outcomes: SourceOutcome[] = [];
  for await (const o of readSources(DEMO_INPUTS.map((p) => join(opts.samplesDir, p)))) outcomes.push(o);
  const recording = new RecordingStore(store);
  reporter.start('ingest', outcomes.length);
  const ingest = await ingestOutcomes(recording, outcomes, { onProgress: (p) => reporter.advance(p.processed) });
  reporter.finish(
    `${ingest.accepted} events stored, ${ingest.duplicates} duplicates, ${ingest.ignoredCount} ignored, ${ingest.rejectedCount} rejected`,
  );

  // Stored before evaluation: the handlers are never given waivers, they read the stored ones.
  // A samples folder of one's own may come without waivers: then nothing is waived.
  const waiverFile = join(opts.samplesDir, 'waivers.json');
  reporter.start('waivers');
  const waivers = existsSync(waiverFile) ? parseWaiverText(await readFile(waiverFile, 'utf8'), waiverFile) : [];
  await storeWaivers(store, waivers);
  reporter.finish(`${waivers.length} waivers stored`);

  // The samples' traces stay where they are; recording the folder lets `simulate` and `plan` on the demo's
  // store run with no --traces.
  const tracesDir = join(opts.samplesDir, 'traces');
  if (existsSync(tracesDir)) await recordTracesFolder(store, tracesDir, fixedClock(now));

  const stored = recording.takeStored();
  reporter.start('evaluate', stored.length);
  const evaluation = { records: stored.length, batches: 0, subjects: 0 };
  let lastOpen = 0;
  for (let i = 0; i < stored.length; i += STREAM_BATCH_SIZE) {
    const batch = stored.slice(i, i + STREAM_BATCH_SIZE);
    const result = await evaluateChanges(streamInsertRecords(batch), { store, rules, clock: fixedClock(now) });
    evaluation.batches += 1;
    evaluation.subjects += result.subjects;
    if (result.findings) lastOpen = Object.values(result.findings).reduce((a, b) => a + b, 0);
    reporter.advance(i + batch.length);
  }
  reporter.finish(
    `${evaluation.records} stream records in ${evaluation.batches} batches, ${evaluation.subjects} entities re-evaluated: ${lastOpen} open findings`,
  );

  const s3 = await startLocalS3(opts.bucketDir);
  try {
    const workflow = await runLocalWorkflow(
      'schedule',
      {
        store,
        s3,
        bucket: BUCKET,
        rules,
        tracesDir,
        failThreshold: 'high',
        minSeverity: 'high',
        // The copy in outDir is what a person opens, and what a Slack digest from this run points to.
        reportUrl: pathToFileURL(join(resolve(opts.outDir), 'report.html')).href,
        ...(opts.webhookUrl !== undefined && { webhookUrl: opts.webhookUrl }),
        // A bounded retry budget: the demo must finish even when Slack is down (messages stay in the outbox).
        notifyDelivery: { retryBudgetMs: 20_000 },
        reporter,
      },
      now,
    );
    const files = await copyReport(s3.client, workflow.report.keys, opts.outDir);
    const findings = (await store.listFindings()).filter((f) => f.status !== 'resolved').sort(compareBySeverityThenId);
    const simulation = (await readState(store, STATE.simulationLatest)) as StoredSimulationSummary | undefined;
    return {
      ingest,
      evaluation,
      workflow,
      findings,
      ...(simulation && { simulation }),
      report: { dir: opts.outDir, files },
      timings,
    };
  } finally {
    await s3.close();
  }
}
