import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportStep, type ReportStepOutput } from '../../src/app/finish-run';
import { renderReport } from '../../src/app/report';
import { ReportStepInput, parseStepInput } from '../../src/app/workflow-input';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule } from '../../src/engine/types';
import { fixedClock } from '../../src/model/ports/clock';
import type { ReportData } from '../../src/report/html/report-data';
import { artifactText } from '../../src/store/artifacts/artifact-store';
import { s3ArtifactStore } from '../../src/store/artifacts/s3-artifact-store';
import { startLocalS3, type LocalS3 } from '../../src/server/local-s3';
import { runLocalWorkflow, type LocalWorkflowDeps } from '../../src/server/local-workflow';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { fleetEvents, generateFleet } from '../support/generated-fleet';
import { localTables } from './helpers/local-table';

const BUCKET = 'hyperaudit-reports';
const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-fleet-report-'));
/** Small enough that a small fleet's findings.csv is put together from several parts, some copied inside S3. */
const MIN_PART = 2048;
let rules: LoadedRule[];
let s3: LocalS3;
const tables = localTables();

beforeAll(async () => {
  rules = loadRules();
  s3 = await startLocalS3(join(dir, 's3'), { minPartBytes: MIN_PART });
});
afterAll(async () => {
  await s3.close();
  await tables.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/** The local workflow, its report step made to take the fleet-scale path whatever the fleet's size. */
async function runFleetScale(store: DynamoStore, now: Date): Promise<ReportStepOutput> {
  const deps: LocalWorkflowDeps = {
    store,
    s3,
    bucket: BUCKET,
    tracesDir,
    rules,
    failThreshold: 'high',
    minSeverity: 'info',
    handlerOverrides: {
      'hyperaudit-report': (input) =>
        reportStep(parseStepInput(ReportStepInput, input, 'report'), {
          store,
          s3: s3.client,
          bucket: BUCKET,
          rules,
          failThreshold: 'high',
          artifacts: s3ArtifactStore(s3.client, BUCKET),
          clock: fixedClock(now),
          fleetReportAbove: 0,
          csvMinPartBytes: MIN_PART,
        }),
    },
  };
  const run = await runLocalWorkflow('schedule', deps, now);
  return run.report as ReportStepOutput;
}

const objectText = (key: string) => readFileSync(s3.objectPath(BUCKET, key), 'utf8');
const csvRecords = (text: string) => parse(text, { relax_column_count: false }) as string[][];
const sortedRows = (records: string[][]) =>
  records
    .slice(1)
    .map((r) => JSON.stringify(r))
    .sort();

/**
 * The report `hyperaudit report` renders from the table after the run, beside the fleet-scale one. `removed`: VMs no
 * shard judged (removed before the run), whose findings the daily run leaves as stored: the table report lists them,
 * the fleet-scale one (made of what the shards judged) does not.
 */
async function compareWithTableReport(store: DynamoStore, report: ReportStepOutput, at: Date, removed: string[] = []) {
  expect(report.fleetReport).toBeDefined();
  const fleetData = JSON.parse(objectText(`${report.reportPrefix}report.json`)) as ReportData;
  const fleetCsv = objectText(`${report.reportPrefix}findings.csv`);
  const table = await renderReport(store, { now: at });
  const tableCsv = artifactText(table.files.find((f) => f.name === 'findings.csv')!);
  const { summary, unverified, fixFirst, heatmap } = table.data;
  const fleetRecords = csvRecords(fleetCsv);
  const allTableRecords = csvRecords(tableCsv);
  const resourceId = allTableRecords[0]!.indexOf('resourceId');
  const tableRecords = allTableRecords.filter((r) => !removed.includes(r[resourceId]!));
  const left = allTableRecords.filter((r) => removed.includes(r[resourceId]!));
  expect(left.length > 0).toBe(removed.length > 0);
  for (const [, severity, status, category] of left) {
    const s = severity as keyof typeof summary.open;
    if (status === 'open') {
      summary.open[s]--;
      summary.openTotal--;
      summary.byCategory[category!]!--;
    } else if (status === 'unverified') summary.unverified--;
    else if (status === 'waived') summary.waived--;
    else summary.resolved--;
  }

  // Counts and the CSV's rows are the same either way; findings.csv goes cluster by cluster.
  expect(fleetData.summary).toEqual(summary);
  if (removed.length === 0) expect(fleetData.unverified).toEqual(unverified);
  expect(fleetRecords[0]).toEqual(tableRecords[0]);
  expect(sortedRows(fleetRecords)).toEqual(sortedRows(tableRecords));
  expect(report.fleetReport!.csvRows).toBe(tableRecords.length - 1);
  expect(objectText('reports/latest/findings.csv')).toBe(fleetCsv);

  // The same fix-first groups. The table report counts a group's unverified findings only as far as its page lists
  // them (25 per rule): the fleet-scale one counts every one. Groups without them count and list alike.
  const statusOf = new Map(table.data.findings.map((f) => [f.fingerprint, f.status]));
  for (const by of ['byRule', 'byRemediation'] as const) {
    const expected = new Map(fixFirst[by].map((g) => [g.key, g]));
    expect(fleetData.fixFirst[by].map((g) => g.key).sort()).toEqual([...expected.keys()].sort());
    let exact = 0;
    for (const g of fleetData.fixFirst[by]) {
      const t = expected.get(g.key)!;
      expect([g.title, g.severity, g.category, g.remediation, g.ruleIds], g.key).toEqual([
        t.title,
        t.severity,
        t.category,
        t.remediation,
        t.ruleIds,
      ]);
      if (t.findings.some((fp) => statusOf.get(fp) === 'unverified')) {
        expect(g.resources, g.key).toBeGreaterThanOrEqual(t.resources);
        continue;
      }
      exact++;
      expect([g.resources, g.hosts, g.findings], g.key).toEqual([t.resources, t.hosts, t.findings.slice(0, 10)]);
    }
    expect(exact, by).toBeGreaterThan(0);
  }
  const listed = new Set(fleetData.findings.map((f) => f.fingerprint));
  for (const g of fleetData.fixFirst.byRule) for (const fp of g.findings) expect(listed.has(fp), fp).toBe(true);
  // Fewer hosts than the tiles kept: every host's tile, alike.
  expect(fleetData.heatmap).toEqual(heatmap);
  expect(fleetData.fleetScale?.findings).toBe(tableRecords.length - 1);
  expect(fleetData.fleetScale?.clusters.reduce((n, c) => n + c.hosts, 0)).toBe(summary.hosts);
  expect(readFileSync(s3.objectPath(BUCKET, `${report.reportPrefix}report.html`), 'utf8')).toContain(
    'assembled from its clusters',
  );
}

describe('the daily run report assembled from the shards (fleet scale)', () => {
  it('gives the counts, fix-first groups and findings.csv rows the table report gives, on a generated multi-cluster fleet, on the first run and the next', async () => {
    const fleet = generateFleet({ hosts: 48, vmsPerHost: 3, hostsPerCluster: 8, strayVms: 4, seed: 11 });
    fleet.perimeters.set('open', { id: 'open', name: 'open' });
    for (const vm of fleet.vms.values()) if (vm.id.endsWith('3')) fleet.vms.set(vm.id, { ...vm, perimeter: 'open' });
    const store = await tables.with(fleetEvents(fleet));
    const first = new Date('2026-12-01T06:00:00.000Z');
    const report = await runFleetScale(store, first);
    expect(report.fleetReport!.csvParts).toBeGreaterThan(1);
    expect(report.fleetReport!.csvCopiedParts).toBeGreaterThan(0);
    await compareWithTableReport(store, report, first);

    // A day later: a host renamed, a VM powered off and one removed, so findings change, resolve and stay.
    const put = await store.putEvents([
      { id: 'd2-host', time: '2026-12-02T04:30:00.000Z', type: 'host.upsert', host: { id: 'host-9', name: 'renamed' } },
      { id: 'd2-off', time: '2026-12-02T04:40:00.000Z', type: 'vm.power_off', vm: { id: 'vm-21' } },
      { id: 'd2-rm', time: '2026-12-02T04:50:00.000Z', type: 'vm.remove', vm: { id: 'vm-30' } },
    ] as Parameters<DynamoStore['putEvents']>[0]);
    await store.refreshEntities(put.subjects);
    const second = new Date('2026-12-02T06:00:00.000Z');
    const next = await runFleetScale(store, second);
    await compareWithTableReport(store, next, second, ['vm-30']);
  }, 300_000);
});
