import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths';

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

  it('bundles every function as one ESM file with a source map', () => {
    const assets = functionAssets();
    expect(assets.size).toBe(8);
    for (const [path, dir] of assets) {
      expect(readdirSync(dir).sort(), path).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      expect(existsSync(join(dir, 'node_modules')), path).toBe(false);
    }
  });

  it('ships the rule packs with the functions that audit, and only with them', () => {
    for (const [path, dir] of functionAssets()) {
      const audits = /\/(Evaluate|Audit|Report)\//.test(path);
      expect(existsSync(join(dir, 'rules')), path).toBe(audits);
    }
  });

  it('produces bundles Node loads as ES modules exporting a handler', async () => {
    const deployAudit = [...functionAssets()].find(([p]) => p.includes('/DeployAudit/'))![1];
    const saved = process.env.STATE_MACHINE_ARN;
    process.env.STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:test';
    try {
      const mod = (await import(pathToFileURL(join(deployAudit, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      if (saved === undefined) delete process.env.STATE_MACHINE_ARN;
      else process.env.STATE_MACHINE_ARN = saved;
    }
  });
});
