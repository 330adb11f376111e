import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * `npm pack`, then `npm i -g` of the tarball into a temporary prefix, then the installed command run from a
 * directory that is not the repository. The global install needs the registry (or a cache holding every
 * dependency); offline it cannot, and the test installs the same tarball by hand instead (unpacked, with the
 * repository's node_modules beside it), which checks the same thing: that the package carries everything it
 * reads (dist, rules, assets, the local store's child script) and finds it from its own location.
 */
describe('the packed package, installed globally, runs outside the repository', () => {
  const work = mkdtempSync(join(tmpdir(), 'hyperaudit-pack-'));
  const elsewhere = join(work, 'elsewhere');
  let command: string;
  let pkg: string;
  let files: string[] = [];

  beforeAll(() => {
    mkdirSync(elsewhere);
    execFileSync(process.execPath, [join(root, 'scripts', 'build-dist.mjs')], { cwd: root, stdio: 'pipe' });
    const packed = JSON.parse(
      execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const tarball = join(work, packed[0]!.filename);
    files = packed[0]!.files.map((f) => f.path);
    const prefix = join(work, 'prefix');
    const install = spawnSync(
      npm,
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
      { encoding: 'utf8', timeout: 600_000 },
    );
    if (install.status === 0) {
      command = join(prefix, 'bin', 'hyperaudit');
      pkg = join(prefix, 'lib', 'node_modules', 'hyperaudit');
      return;
    }
    process.stderr.write(
      `npm install --global could not fetch the dependencies (offline?); installing the tarball by hand:\n${install.stderr.slice(-500)}\n`,
    );
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    symlinkSync(join(root, 'node_modules'), join(unpacked, 'package', 'node_modules'), 'dir');
    pkg = join(unpacked, 'package');
    command = join(pkg, 'bin', 'hyperaudit.js');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // The code cache of audit, simulate and report (src/cli/code-cache.ts) in the test's folder, not the user's.
  const cacheDir = join(work, 'code-cache');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [command, ...args], {
      cwd: elsewhere,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, HYPERAUDIT_CACHE_DIR: cacheDir },
    });

  it('ships the compiled CLI, the rules, the report assets and the samples, and no TypeScript source', () => {
    expect(files).toContain('dist/cli/main.js');
    expect(files).toContain('dist/bundle/main.js');
    expect(files).toContain('dist/bundle/cli.cjs');
    expect(files).toContain('dist/cli/code-cache.js');
    // Strict as the ES module bundle is: a directive counts only as the first statement, before the banner's.
    expect(readFileSync(join(pkg, 'dist', 'bundle', 'cli.cjs'), 'utf8').slice(0, 13)).toBe('"use strict";');
    expect(files).toContain('dist/store/dynalite-server.cjs');
    expect(files).toContain('dist/engine/rule-schema-validator.precompiled.cjs');
    expect(files).toContain('dist/engine/scg-catalogue.prebuilt.json');
    expect(files).toContain('dist/report/html/assets/report.css');
    expect(files).toContain('rules/rule.schema.json');
    expect(files.some((f) => f.startsWith('samples/fleet/'))).toBe(true);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it('starts and finds its rules from the package', () => {
    const version = run('--version');
    expect(version.stdout.trim()).toBe('0.1.0');
    const rules = run('rules', 'list', '--json');
    expect(rules.status).toBe(0);
    expect((JSON.parse(rules.stdout) as unknown[]).length).toBeGreaterThan(100);
  });

  it('ingests, audits and reports in the working directory’s .hyperaudit/ with the embedded store', () => {
    const ingest = run(
      'ingest',
      join(pkg, 'samples', 'fleet', 'perimeters.ndjson'),
      join(pkg, 'samples', 'fleet', 'hosts.ndjson'),
    );
    expect(ingest.stderr).toBe('');
    expect(ingest.status).toBe(0);
    const audit = run('audit', '--format', 'json');
    expect(audit.status).toBe(0);
    const report = run('report');
    expect(report.status).toBe(0);
    expect(readdirSync(join(elsewhere, '.hyperaudit', 'reports', 'latest'))).toContain('report.html');
    // audit and report ran the bundle V8 caches, and left its cache; the next report runs with it.
    const cached = readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.bin'));
    expect(cached.map((f) => f.replace(/^.*[/\\]/, '').split('-')[0]).sort()).toEqual(['audit', 'report']);
    const again = run('report', '--out', join(work, 'again'));
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(readdirSync(join(work, 'again'))).toContain('findings.junit.xml');
  });
});
