import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantedFindings, SAMPLES } from './planted';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';
import { runCli } from '../support/run-cli';

interface ReportFinding {
  ruleId: string;
  category: string;
  resourceId: string;
  status: string;
}

/**
 * `hyperaudit demo` end to end, in process: the real embedded DynamoDB server (a child process), the sample
 * fleet through the normalisers, the evaluate handler on stream records, the workflow's states over the local
 * reports bucket, the report on disk, and the digest posted to a local server that answers like Slack.
 */
describe('hyperaudit demo', () => {
  const work = mkdtempSync(join(tmpdir(), 'hyperaudit-demo-e2e-'));
  const outDir = join(work, 'report');
  let slack: SlackLikeServer;
  let exitCode: number;
  let stdout = '';
  let findings: ReportFinding[] = [];

  beforeAll(async () => {
    slack = await startSlackLikeServer();
    const previous = process.env.SLACK_WEBHOOK_URL;
    process.env.SLACK_WEBHOOK_URL = slack.url;
    try {
      ({ code: exitCode, stdout } = await runCli('demo', '--data-dir', join(work, 'data'), '--out', outDir));
    } finally {
      if (previous === undefined) delete process.env.SLACK_WEBHOOK_URL;
      else process.env.SLACK_WEBHOOK_URL = previous;
    }
    findings = (JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as { findings: ReportFinding[] })
      .findings;
  });

  afterAll(async () => {
    await slack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('exits 0 and prints the report path, the summary table and its time', () => {
    expect(exitCode).toBe(0);
    expect(stdout).toContain(`report: ${join(outDir, 'report.html')}`);
    expect(stdout).toMatch(/│ category\s+│ critical │ high/);
    expect(stdout).toMatch(/done in \d+\.\ds/);
    expect(stdout).toContain('0 rejected');
  });

  it('writes the HTML report beside its JSON, CSV and the audit formats', () => {
    for (const f of [
      'report.html',
      'report.json',
      'findings.csv',
      'findings.sarif',
      'findings.junit.xml',
      'findings.ocsf.json',
      'findings.asff.json',
    ]) {
      expect(existsSync(join(outDir, f)), f).toBe(true);
    }
    expect(readFileSync(join(outDir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
  });

  it('finds problems of every rule category', () => {
    const categories = new Set(findings.filter((f) => f.status === 'open').map((f) => f.category));
    expect([...categories].sort()).toEqual(['consolidation', 'hardening', 'perimeter', 'simulation']);
  });

  it('reports every planted problem on the resource it was planted on, waived where the waiver is current', () => {
    const got = new Set(findings.map((f) => `${f.ruleId} ${f.resourceId} ${f.status}`));
    const missing = plantedFindings().filter((p) => !got.has(`${p.ruleId} ${p.resourceId} ${p.status}`));
    expect(missing).toEqual([]);
  });

  it('documents in samples/README.md every rule the planted problems trigger', () => {
    const readme = readFileSync(join(SAMPLES, 'README.md'), 'utf8');
    for (const p of plantedFindings()) expect(readme.includes(p.ruleId), p.ruleId).toBe(true);
  });

  it('posted the digest to the Slack webhook', () => {
    expect(slack.accepted().length).toBeGreaterThan(0);
    const first = slack.accepted()[0]!;
    expect(typeof first.text).toBe('string');
    expect(JSON.stringify(slack.accepted())).toContain('perimeter.clone-outside-source');
  });

  it('prints and posts local paths only: no s3:// key or AWS console link from a local run', () => {
    const posted = JSON.stringify(slack.accepted());
    for (const text of [stdout, posted]) {
      expect(text).not.toContain('s3://');
      expect(text).not.toContain('console.aws.amazon.com');
    }
    expect(posted).toContain(pathToFileURL(join(outDir, 'report.html')).href);
    expect(stdout).toContain(`data: ${join(work, 'data')} (explore with: npx hyperaudit inventory --data-dir`);
  });

  it('runs the stored events through the evaluate handler, then the workflow’s states in order', () => {
    expect(stdout).toMatch(/evaluate\s.*1\d{3} stream records in 1\d batches/);
    const steps = [...stdout.matchAll(/^ {2}\d+\. (\w+) …$/gm)].map((m) => m[1]);
    expect(steps).toEqual(['ingest', 'waivers', 'evaluate', 'audit', 'simulate', 'report', 'slack']);
    expect(stdout).toMatch(/workflow: schedule-\S+ \(audit → \d+ simulate shards → report → slack\)/);
  });

  it('keeps the run’s files in the local reports bucket under the data directory, the report beside the copy in --out', () => {
    const objects = readdirSync(join(work, 'data', 's3', 'hyperaudit-reports')).map(decodeURIComponent);
    expect(objects.some((k) => /^runs\/schedule-[^/]+\/simulation\/.+\.json$/.test(k))).toBe(true);
    const latest = join(work, 'data', 's3', 'hyperaudit-reports', encodeURIComponent('reports/latest/report.html'));
    expect(readFileSync(latest, 'utf8')).toBe(readFileSync(join(outDir, 'report.html'), 'utf8'));
  });

  it('leaves the data directory it was given, marked as the demo’s', () => {
    expect(existsSync(join(work, 'data', '.hyperaudit-demo'))).toBe(true);
  });

  it('leaves a fleet that simulate and plan run on with no --traces (the sample traces are recorded with it)', async () => {
    const data = join(work, 'data');
    const simulate = await runCli('simulate', '--data-dir', data, '--steps', '24', '--trials', '100');
    expect(simulate.stderr).not.toContain('was not provided');
    expect(simulate.code).toBe(0);
    expect(simulate.stdout).toMatch(/VMs \(running\)\s+│ 968/);
    const plan = await runCli('plan', '--data-dir', data, '--max-moves', '3', '--trials', '50', '--format', 'json');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).steps.length).toBeGreaterThan(0);
  });

  it('refuses a non-empty data directory it did not create (exit 2), leaving its files alone', async () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'keep.txt'), 'precious');
    const run = await runCli('demo', '--data-dir', foreign, '--out', join(work, 'unused'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not created by the demo');
    expect(readFileSync(join(foreign, 'keep.txt'), 'utf8')).toBe('precious');
  });
});
