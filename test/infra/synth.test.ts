import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR } from '../../infra/constructs/hyperaudit-function';
import { REPO_ROOT } from '../../infra/paths';
import { eventKey } from '../../src/store/items';
import { streamInsert } from '../functions/helpers/aws-events';
import { captureOutput } from '../functions/helpers/capture-output';
import { fleetEvents } from '../functions/helpers/fleet-fixture';
import { lambdaContext } from '../functions/helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv } from '../functions/helpers/local-table';

const run = promisify(execFile);

interface Asset {
  source: { path: string; packaging: string };
}
type TemplateJson = { Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> }> };

let outDir: string;
let template: TemplateJson;
let synthMs: number;
let stderr: string;

/** The directory each Lambda's code asset was bundled into, keyed by the function's construct path. */
function functionAssets(): Map<string, string> {
  const out = new Map<string, string>();
  for (const res of Object.values(template.Resources)) {
    if (res.Type !== 'AWS::Lambda::Function') continue;
    const assetPath = res.Metadata?.['aws:asset:path'];
    if (assetPath !== undefined) out.set(res.Metadata!['aws:cdk:path']!, join(outDir, assetPath));
  }
  return out;
}

// One real `npx cdk synth` (the command the README documents), shared by every assertion below.
beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'hyperaudit-synth-'));
  const started = Date.now();
  const result = await run('npx', ['cdk', 'synth', '--no-notices', '--quiet', '--output', outDir], {
    cwd: REPO_ROOT,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
    // Offline on purpose: no credentials, no account lookups, no Docker.
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', AWS_EC2_METADATA_DISABLED: 'true', DOCKER_HOST: 'unix:///nonexistent.sock' },
  });
  synthMs = Date.now() - started;
  stderr = result.stderr;
  template = JSON.parse(readFileSync(join(outDir, 'Hyperaudit.template.json'), 'utf8')) as TemplateJson;
  console.info(`npx cdk synth with local esbuild bundling took ${(synthMs / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(() => {
  if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
});

describe('npx cdk synth', () => {
  it('synthesises offline, bundling with the local esbuild and never Docker', () => {
    expect(template.Resources).toBeDefined();
    expect(stderr).not.toMatch(/docker/i);
    const assets = JSON.parse(readFileSync(join(outDir, 'Hyperaudit.assets.json'), 'utf8')) as { files: Record<string, Asset> };
    expect(Object.keys(assets.files).length).toBeGreaterThan(0);
  });

  it('bundles every function as one ESM file with a source map, two levels below the code root', () => {
    const assets = functionAssets();
    expect(assets.size).toBe(8);
    for (const [path, dir] of assets) {
      expect(readdirSync(join(dir, BUNDLE_DIR)).sort(), path).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      expect(existsSync(join(dir, 'index.mjs')), path).toBe(false);
    }
  });

  it('ships rule packs, traces and report assets only with the functions that read them', () => {
    for (const [path, dir] of functionAssets()) {
      const audits = /\/(Evaluate|Audit|Report)\//.test(path);
      expect(existsSync(join(dir, 'rules', 'rule.schema.json')), path).toBe(audits);
      expect(existsSync(join(dir, 'rules', 'catalogue')), path).toBe(audits);
      expect(existsSync(join(dir, 'traces')), path).toBe(path.includes('/SimulateShard/'));
      const report = path.includes('/Report/');
      expect(existsSync(join(dir, BUNDLE_DIR, 'assets', 'report.css')), path).toBe(report);
      expect(existsSync(join(dir, 'node_modules', 'chart.js', 'dist', 'chart.umd.js')), path).toBe(report);
    }
  });

  it('produces a bundle that runs as Lambda would run it: the evaluate function audits the local table with its bundled rules', async () => {
    const dir = [...functionAssets()].find(([p]) => p.includes('/Evaluate/'))![1];
    const table = await startLocalTable();
    const saved = { ...process.env };
    try {
      const events = fleetEvents();
      await table.store.putEvents(events);
      useLocalTableEnv(table);
      // What Lambda sets: the code root, and the environment the stack gives this function.
      process.env.LAMBDA_TASK_ROOT = dir;
      process.env.RULES_DIR = 'rules';
      process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
      const mod = (await import(pathToFileURL(join(dir, BUNDLE_DIR, 'index.mjs')).href)) as {
        handler: (event: unknown, context: unknown) => Promise<{ subjects: number }>;
      };
      const { result, error } = await captureOutput(() =>
        mod.handler({ Records: events.map((e, i) => streamInsert(eventKey(e), i)) }, lambdaContext('hyperaudit-evaluate')),
      );
      expect(error).toBeUndefined();
      expect(result?.subjects).toBe(new Set(events.map((e) => eventKey(e).pk)).size);
      expect((await table.store.listFindings()).length).toBeGreaterThan(0);
    } finally {
      process.env = saved;
      await stopLocalTable(table);
    }
  });
});
