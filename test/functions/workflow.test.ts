import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStep, type AuditStepOutput } from '../../src/app/start-run';
import { reportStep } from '../../src/app/finish-run';
import { runKeys, type ClusterItem } from '../../src/model/run-files';
import { simulateShard } from '../../src/app/simulate-shard';
import { auditShard } from '../../src/app/audit-shard';
import { CompiledRules } from '../../src/engine/compile';
import { loadRules } from '../../src/engine/load-rules';
import type { LoadedRule } from '../../src/engine/types';
import { SIMULATION_LATEST_KEY } from '../../src/app/simulate';
import { fleetEvents } from './helpers/fleet-fixture';
import { startLocalTable, stopLocalTable, type LocalTable } from './helpers/local-table';
import { memoryS3 } from './helpers/memory-s3';
import { fixedClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';
import { s3ArtifactStore } from '../../src/store/artifacts/s3-artifact-store';

const BUCKET = 'hyperaudit-reports-test';
const clock = fixedClock('2026-11-26T06:00:00.000Z');
let table: LocalTable;
let rules: LoadedRule[];
const s3 = memoryS3();

beforeAll(async () => {
  table = await startLocalTable();
  await table.store.putEvents(fleetEvents());
  rules = loadRules();
});
afterAll(async () => {
  s3.mock.restore();
  await stopLocalTable(table);
});

describe('scheduled run: audit → simulate each cluster → report', () => {
  const input = {
    runId: 'b7f1c0de-0000-4000-8000-000000000001',
    trigger: 'schedule' as const,
    scope: { kind: 'fleet' },
  };
  let audit: AuditStepOutput;

  it('splits the stored fleet into one work file and one audit slice per cluster plus the list the Distributed Map reads', async () => {
    audit = await auditStep(input, { store: table.store, s3: s3.client, bucket: BUCKET, clock, logger: quietLogger });
    expect(audit.clusters).toBe(2);
    expect(audit.shards).toBe(2);
    expect(audit.hosts).toBe(4);
    expect(audit.auditedAt).toBe(clock.now().toISOString());
    const list = JSON.parse(s3.objects.get(audit.clustersKey)!.body) as ClusterItem[];
    expect(list).toEqual([
      { clusterId: 'ams-dmz', simulate: true, prepare: false },
      { clusterId: 'ams-pci', simulate: true, prepare: false },
    ]);
    for (const item of list) {
      expect(s3.objects.has(runKeys.clusterWork(input.runId, item.clusterId))).toBe(true);
      expect(s3.objects.has(runKeys.auditSlice(input.runId, item.clusterId))).toBe(true);
    }
  });

  it('simulates each Distributed Map item from its work file alone, writing the result beside it', async () => {
    const list = JSON.parse(s3.objects.get(audit.clustersKey)!.body) as ClusterItem[];
    // The Map's ItemSelector turns each list entry into { runId, clusterId }.
    const tracesDir = fileURLToPath(new URL('../fixtures/functions/traces/', import.meta.url));
    const outputs = await Promise.all(
      list.map((item) =>
        simulateShard({ runId: audit.runId, clusterId: item.clusterId }, { s3: s3.client, bucket: BUCKET, tracesDir }),
      ),
    );
    expect(outputs.map((o) => o.hosts)).toEqual([2, 2]);
    for (const o of outputs) expect(s3.objects.has(o.resultKey)).toBe(true);
  });

  it('audits each shard from its slice and its cluster’s simulation, writing its hits beside them', async () => {
    const list = JSON.parse(s3.objects.get(audit.clustersKey)!.body) as ClusterItem[];
    const compiled = new CompiledRules(rules);
    const parts = await Promise.all(
      list.map((item) =>
        auditShard(
          { runId: audit.runId, clusterId: item.clusterId, profile: audit.profile },
          { s3: s3.client, bucket: BUCKET, rules: compiled },
        ),
      ),
    );
    expect(parts.map((p) => p.hosts)).toEqual([2, 2]);
    expect(parts.reduce((n, p) => n + p.hits, 0)).toBeGreaterThan(0);
    for (const p of parts) expect(s3.objects.has(p.partKey)).toBe(true);
  });

  it('stores the simulations, merges the shard audits into findings and uploads the report files and the latest copy', async () => {
    const out = await reportStep(
      { ...input, audit },
      {
        store: table.store,
        s3: s3.client,
        bucket: BUCKET,
        rules,
        failThreshold: 'high',
        artifacts: s3ArtifactStore(s3.client, BUCKET),
        clock,
      },
    );
    expect(out.clustersSimulated).toBe(2);
    expect(out.reportPrefix).toBe(`reports/2026-11-26T06-00-00-000Z-${input.runId}/`);
    expect(out.keys.map((k) => k.slice(out.reportPrefix.length)).sort()).toEqual([
      'findings.asff.json',
      'findings.csv',
      'findings.junit.xml',
      'findings.ocsf.json',
      'findings.sarif',
      'report.html',
      'report.json',
    ]);
    // The run's own audit has full coverage, so JUnit also lists the rules × resources that passed.
    const junit = s3.objects.get(`${out.reportPrefix}findings.junit.xml`)!.body;
    const cases = Number(/<testsuites[^>]* tests="(\d+)"/.exec(junit)?.[1]);
    const failures = Number(/<testsuites[^>]* failures="(\d+)"/.exec(junit)?.[1]);
    expect(cases).toBeGreaterThan(failures);
    expect(s3.objects.get(`${out.reportPrefix}report.html`)!.contentType).toBe('text/html; charset=utf-8');
    expect(s3.objects.get('reports/latest/report.html')!.body).toBe(
      s3.objects.get(`${out.reportPrefix}report.html`)!.body,
    );
    expect(out.url).toContain(encodeURIComponent(`${out.reportPrefix}report.html`));
    const simulation = await table.store.getMeta<{ hosts: Record<string, unknown> }>(SIMULATION_LATEST_KEY);
    expect(Object.keys(simulation!.hosts)).toHaveLength(4);
    const findings = await table.store.listFindings();
    const expectedFailing = findings.filter(
      (f) => f.status === 'open' && (f.severity === 'high' || f.severity === 'critical'),
    ).length;
    expect(out.failing).toBe(expectedFailing);
    expect(Object.values(out.findings).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('refuses to merge when a listed shard has no audit result, instead of resolving its findings', async () => {
    const key = runKeys.auditPart(input.runId, 'ams-pci');
    const part = s3.objects.get(key)!;
    s3.objects.delete(key);
    try {
      await expect(
        reportStep(
          { ...input, audit },
          {
            store: table.store,
            s3: s3.client,
            bucket: BUCKET,
            rules,
            failThreshold: 'high',
            artifacts: s3ArtifactStore(s3.client, BUCKET),
            clock,
          },
        ),
      ).rejects.toThrow(/audit shard "ams-pci" has no result at runs\/.*\/audit\/parts\//);
    } finally {
      s3.objects.set(key, part);
    }
  });

  it('surfaces an S3 upload failure instead of reporting success', async () => {
    s3.mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(
      reportStep(
        { ...input, audit },
        {
          store: table.store,
          s3: s3.client,
          bucket: BUCKET,
          rules,
          failThreshold: 'high',
          artifacts: s3ArtifactStore(s3.client, BUCKET),
          clock,
        },
      ),
    ).rejects.toThrow(/Access Denied/);
  });

  it('refuses a shard whose work file is missing, naming the key', async () => {
    await expect(
      simulateShard({ runId: 'no-such-run', clusterId: 'ams-pci' }, { s3: s3.client, bucket: BUCKET }),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('perimeters file shipped with the deployment', () => {
  const input = { runId: 'perimeter-run', trigger: 'deploy' as const, scope: { kind: 'cloudformation' } };
  const file = (name: string) => fileURLToPath(new URL(`../fixtures/functions/${name}`, import.meta.url));

  it('stores its perimeters before the audit, and only once however many runs read it', async () => {
    s3.mock
      .on(PutObjectCommand)
      .callsFake((i: { Key: string; Body: string }) => void s3.objects.set(i.Key, { body: String(i.Body) }));
    const deps = {
      store: table.store,
      s3: s3.client,
      bucket: BUCKET,
      clock,
      logger: quietLogger,
      perimetersFile: file('perimeters.ndjson'),
    };
    await auditStep(input, deps);
    await auditStep({ ...input, runId: 'perimeter-run-2' }, deps);
    const fleet = await table.store.loadFleet();
    expect(fleet.perimeters.get('lab')).toMatchObject({ name: 'Lab', trustLevel: 2 });
    const history: string[] = [];
    for await (const e of table.store.readHistory())
      if (e.type === 'perimeter.upsert' && e.perimeter.id === 'lab') history.push(e.id);
    expect(history).toEqual(['deploy-perimeters-lab']);
  });

  it('stops the run on a bad perimeters file, naming the file, record and field', async () => {
    const deps = {
      store: table.store,
      s3: s3.client,
      bucket: BUCKET,
      clock,
      logger: quietLogger,
      perimetersFile: file('perimeters-bad.ndjson'),
    };
    await expect(auditStep(input, deps)).rejects.toThrow(
      /perimeters file: 1 record\(s\) rejected; first at .*perimeters-bad\.ndjson, line 1, perimeter\.trustLevel/,
    );
  });
});
