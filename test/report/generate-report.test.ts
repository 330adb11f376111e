import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { generateReport, reportTimestamp } from '../../src/app/report';
import { runNotify } from '../../src/app/notify';
import { auditReportFormats } from '../../src/report/html/audit-formats';
import type { ReportData } from '../../src/report/html/report-data';
import type { RunSummary } from '../../src/report/html/report-meta';
import type { Finding } from '../../src/model/finding';
import { reportStore } from './report-fixture';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'hyperaudit-gen-'));
  dirs.push(d);
  return d;
}

describe('generateReport', () => {
  it('writes HTML, JSON, CSV and extra formats, and copies them to the latest directory', async () => {
    const root = await tempDir();
    const store = await reportStore();
    const now = new Date('2026-11-02T03:04:05.678Z');
    const out = await generateReport(
      { store, clock: fixedClock(now), artifacts: folderArtifactStore() },
      {
        outDir: join(root, reportTimestamp(now)),
        latestDir: join(root, 'latest'),
        formats: [
          {
            fileName: 'findings.sarif',
            render: (findings) => JSON.stringify({ runs: [{ results: findings.length }] }),
          },
        ],
      },
    );
    expect(out.dir).toBe(join(root, '2026-11-02T03-04-05-678Z'));
    for (const name of ['report.html', 'report.json', 'findings.csv', 'findings.sarif']) {
      expect(existsSync(join(out.dir, name)), name).toBe(true);
      expect(await readFile(join(root, 'latest', name), 'utf8')).toBe(await readFile(join(out.dir, name), 'utf8'));
    }
    const data = JSON.parse(await readFile(join(out.dir, 'report.json'), 'utf8')) as ReportData;
    expect(data.findings).toHaveLength(7);
    expect(parse(await readFile(join(out.dir, 'findings.csv'), 'utf8'))).toHaveLength(8);
    expect(JSON.parse(await readFile(join(out.dir, 'findings.sarif'), 'utf8'))).toEqual({ runs: [{ results: 7 }] });
  });

  it('renders a file in pieces once: the latest directory gets a copy of what was written', async () => {
    const root = await tempDir();
    let renders = 0;
    const out = await generateReport(
      { store: await reportStore(), clock: systemClock, artifacts: folderArtifactStore() },
      {
        outDir: join(root, 'run'),
        latestDir: join(root, 'latest'),
        formats: [
          {
            fileName: 'findings.sarif',
            render: (findings) => ({
              [Symbol.iterator]: () => {
                renders++;
                return ['{"results":', String(findings.length), '}'][Symbol.iterator]();
              },
            }),
          },
        ],
      },
    );
    expect(renders).toBe(1);
    for (const name of ['report.html', 'report.json', 'findings.csv', 'findings.sarif'])
      expect(await readFile(join(root, 'latest', name), 'utf8')).toBe(await readFile(join(out.dir, name), 'utf8'));
  });

  it('writes the audit formats beside the report through the audit formatters', async () => {
    const store = await reportStore();
    const out = await generateReport(
      { store, clock: systemClock, artifacts: folderArtifactStore() },
      { outDir: await tempDir(), formats: auditReportFormats() },
    );
    const sarif = JSON.parse(await readFile(join(out.dir, 'findings.sarif'), 'utf8')) as {
      runs: { results: unknown[] }[];
    };
    expect(sarif.runs[0]!.results).toHaveLength(6);
    const junit = await readFile(join(out.dir, 'findings.junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase classname="esxi.shell-disabled" name="host:esx-01[^"]*">\s*<failure message="[^"]+" type="critical">/,
    );
    expect(junit).not.toContain('<img');
    for (const name of ['findings.ocsf.json', 'findings.asff.json'])
      expect(() => JSON.parse(readFileSync(join(out.dir, name), 'utf8'))).not.toThrow();
  });

  it('writes the same audit-format files whatever order the store lists the findings in', async () => {
    const now = new Date('2026-11-02T03:04:05.678Z');
    const files = async (order: (findings: Finding[]) => Finding[]) => {
      const store = await reportStore();
      const listFindings = store.listFindings.bind(store);
      store.listFindings = async () => order(await listFindings());
      const out = await generateReport(
        { store, clock: fixedClock(now), artifacts: folderArtifactStore() },
        { outDir: await tempDir(), formats: auditReportFormats() },
      );
      const names = [
        'findings.sarif',
        'findings.junit.xml',
        'findings.ocsf.json',
        'findings.asff.json',
        'findings.csv',
      ];
      return Promise.all(names.map((name) => readFile(join(out.dir, name), 'utf8')));
    };
    const asListed = await files((findings) => findings);
    const reversed = await files((findings) => [...findings].reverse());
    expect(asListed[0]).toContain('"results"');
    expect(reversed).toEqual(asListed);
  });

  it('still writes the report when an extra format fails, and says which', async () => {
    const store = await reportStore();
    const out = await generateReport(
      { store, clock: systemClock, artifacts: folderArtifactStore() },
      {
        outDir: await tempDir(),
        formats: [
          {
            fileName: 'broken.xml',
            render: () => {
              throw new Error('rules/hardening/x.json: bad rule');
            },
          },
        ],
      },
    );
    expect(out.warnings).toEqual(['broken.xml not written: rules/hardening/x.json: bad rule']);
    expect(existsSync(join(out.dir, 'report.html'))).toBe(true);
    expect(existsSync(join(out.dir, 'broken.xml'))).toBe(false);
  });

  it('records the run for the trend and shows it after the earlier runs', async () => {
    const store = await reportStore();
    const now = new Date('2026-11-02T00:00:00.000Z');
    const out = await generateReport(
      { store, clock: fixedClock(now), artifacts: folderArtifactStore() },
      { outDir: await tempDir() },
    );
    expect(await store.getMeta<RunSummary>(`runs/${now.toISOString()}`)).toEqual(out.summary);
    expect(out.summary).toMatchObject({
      hosts: 3,
      vms: 4,
      open: { critical: 1, high: 2, medium: 1, low: 1, info: 0 },
      waived: 1,
      resolved: 1,
      energyKWh: 123.4,
    });
    const data = JSON.parse(await readFile(join(out.dir, 'report.json'), 'utf8')) as ReportData;
    expect(data.trend.map((r) => r.at)).toEqual([
      '2026-10-30T00:00:00.000Z',
      '2026-10-31T00:00:00.000Z',
      now.toISOString(),
    ]);
  });

  it('remembers where the report is so the Slack digest links to it', async () => {
    const store = await reportStore();
    await generateReport(
      { store, clock: systemClock, artifacts: folderArtifactStore() },
      { outDir: await tempDir(), publicUrl: 'https://reports.example/run/report.html' },
    );
    const result = await runNotify({ store, clock: systemClock }, { minSeverity: 'high', dryRun: true });
    expect(JSON.stringify(result.planned[0]!.payload)).toContain(
      '<https://reports.example/run/report.html|Open the full report>',
    );
  });
});
