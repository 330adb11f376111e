import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditResult } from '../engine/audit-result';
import { parseWaiverText } from '../engine/waivers';
import type { Finding } from '../model/finding';
import { runAudit } from '../pipeline/audit';
import { ingestOutcomes, type IngestReport } from '../pipeline/ingest';
import { runNotify, type NotifyResult } from '../pipeline/notify';
import { generateReport, type ReportOutput } from '../pipeline/report';
import { loadTraceDirectory, simulateStored, type StoredSimulation } from '../pipeline/simulate';
import { readSources } from '../sources/read-sources';
import type { SourceOutcome } from '../sources/types';
import type { FleetStore } from '../store/types';
import { silentReporter, type StepReporter } from './step-progress';

/** What the demo ingests, relative to the samples folder: the canonical fleet, then the source-format files. */
export const DEMO_INPUTS = ['fleet/perimeters.ndjson', 'fleet/hosts.ndjson', 'fleet/vms.ndjson', 'fleet/history.ndjson', 'sources'] as const;

export interface DemoOptions {
  samplesDir: string;
  /** Report directory (report.html, report.json, findings.csv). */
  outDir: string;
  /** Slack incoming webhook; without it nothing is posted. */
  webhookUrl?: string;
  /** Simulation seed and Monte Carlo trials: fixed, so every run of the demo gives the same figures. */
  seed?: number;
  trials?: number;
  reporter?: StepReporter;
  now?: Date;
}

export interface DemoResult {
  ingest: IngestReport;
  simulation: StoredSimulation;
  audit: AuditResult;
  report: ReportOutput;
  notify?: NotifyResult;
  /** Wall time of each step, in order. */
  timings: { step: string; ms: number }[];
}

/** Counts findings by `category` and severity (open) plus waived, for the summary table. */
export function findingsByCategory(findings: readonly Finding[]): Map<string, Record<string, number>> {
  const table = new Map<string, Record<string, number>>();
  for (const f of findings) {
    const row = table.get(f.category) ?? {};
    const key = f.status === 'waived' ? 'waived' : f.severity;
    if (f.status !== 'resolved') row[key] = (row[key] ?? 0) + 1;
    table.set(f.category, row);
  }
  return table;
}

/**
 * The whole local pipeline over the sample fleet: ingest (the normalisers and the store's idempotent write
 * path), simulate (replayed history, PlanetLab traces), audit (rules, waivers; simulation scores are facts),
 * report, and the Slack digest when a webhook is given. The store is the caller's: the demo CLI gives it a
 * fresh embedded DynamoDB server, the e2e test the same.
 */
export async function runDemo(store: FleetStore, opts: DemoOptions): Promise<DemoResult> {
  const reporter = opts.reporter ?? silentReporter;
  const now = opts.now ?? new Date();
  const timings: DemoResult['timings'] = [];
  const timed = async <T>(step: string, total: number | undefined, work: () => Promise<T>, detail: (r: T) => string): Promise<T> => {
    reporter.start(step, total);
    const t0 = performance.now();
    const result = await work();
    timings.push({ step, ms: performance.now() - t0 });
    reporter.finish(detail(result));
    return result;
  };

  const outcomes: SourceOutcome[] = [];
  for await (const o of readSources(DEMO_INPUTS.map((p) => join(opts.samplesDir, p)))) outcomes.push(o);
  const ingest = await timed(
    'ingest',
    outcomes.length,
    () => ingestOutcomes(store, outcomes, { onProgress: (p) => reporter.advance(p.processed) }),
    (r) => `${r.accepted} events stored, ${r.duplicates} duplicates, ${r.ignored.length} ignored, ${r.rejected.length} rejected`,
  );

  const traces = await loadTraceDirectory(join(opts.samplesDir, 'traces'));
  const simulation = await timed(
    'simulate',
    undefined,
    () => simulateStored(store, { traces, seed: opts.seed ?? 1, trials: opts.trials ?? 2_000, now: now.toISOString() }),
    (r) =>
      `${Object.keys(r.result.hosts).length} hosts over ${r.result.window.steps} steps, ${r.result.trials} failure trials; ` +
      `overloaded ${(r.result.fleet.overloadedTimeFraction * 100).toFixed(1)}% of host-time, ${r.result.fleet.energyKWh.toFixed(0)} kWh`,
  );

  // A samples folder of one's own may come without waivers: then nothing is waived.
  const waiverFile = join(opts.samplesDir, 'waivers.json');
  const waivers = existsSync(waiverFile) ? parseWaiverText(await readFile(waiverFile, 'utf8'), waiverFile) : [];
  const audit = await timed(
    'audit',
    undefined,
    () => runAudit(store, { full: true, waivers, now: now.toISOString() }),
    (r) => `${r.rules.length} rules over ${r.summary.hosts} hosts and ${r.summary.vms} VMs: ${r.findings.length} findings`,
  );

  const report = await timed('report', undefined, () => generateReport(store, { outDir: opts.outDir, now }), (r) => r.files[0] ?? r.dir);

  let notify: NotifyResult | undefined;
  if (opts.webhookUrl !== undefined) {
    const webhookUrl = opts.webhookUrl;
    notify = await timed(
      'slack',
      undefined,
      // A bounded retry budget: the demo must finish even when Slack is down (messages stay in the outbox).
      () => runNotify(store, { minSeverity: 'high', webhookUrl, reportUrl: report.url, now, delivery: { retryBudgetMs: 20_000 } }),
      (r) =>
        `${r.newCount} new findings at high or above, ${r.delivery?.delivered.length ?? 0} message(s) delivered` +
        (r.delivery && r.delivery.remaining.length > 0 ? `, ${r.delivery.remaining.length} still queued (${r.delivery.stoppedBecause ?? 'stopped'})` : ''),
    );
  }
  return { ingest, simulation, audit, report, ...(notify && { notify }), timings };
}
