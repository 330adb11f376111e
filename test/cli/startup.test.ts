import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'hyperaudit.js');

/**
 * A loader hook that makes the AWS SDK and exceljs unimportable: a command that reaches for them fails. In the
 * bundle bin/hyperaudit.js runs (dist/bundle/), packages are inside chunks, which esbuild marks with a
 * `// node_modules/<package>/...` line per file: a chunk holding the SDK counts as importing it.
 */
const forbidHeavyImports = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/node_modules\\\\/(@aws-sdk|exceljs)\\\\//.test(resolved.url)) throw new Error('start-up imported ' + specifier);
  return resolved;
}
export async function load(url, context, next) {
  const loaded = await next(url, context);
  const bundled = /\\\\n\\\\/\\\\/ node_modules\\\\/(@aws-sdk|exceljs)\\\\//.exec(String(loaded.source ?? ''));
  if (bundled) throw new Error('start-up imported ' + bundled[1] + '/ (bundled in ' + url + ')');
  return loaded;
}\`));`,
)}`;

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', forbidHeavyImports, bin, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('start-up loads only the command being run', () => {
  it('prints the version without importing the AWS SDK or exceljs', () => {
    const r = run('--version');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0.1.0');
    expect(r.status).toBe(0);
  });

  it('lists every command in the help, and runs `rules list` without the AWS SDK', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    for (const name of [
      'ingest',
      'collect',
      'inventory',
      'audit',
      'simulate',
      'report',
      'notify',
      'serve',
      'rules',
      'demo',
    ])
      expect(help.stdout).toMatch(new RegExp(`^ {2}${name}\\b`, 'm'));
    const rules = run('rules', 'list', '--pack', 'simulation', '--json');
    expect(rules.stderr).toBe('');
    expect(JSON.parse(rules.stdout)).toEqual([expect.objectContaining({ id: 'simulation.host-overloaded' })]);
  });

  it('does load the AWS SDK for a command that uses the store (the hook is effective)', () => {
    // The store's server starts beside module loading and may create its files: a scratch folder, never the repo.
    const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-startup-'));
    try {
      const r = run('inventory', '--data-dir', join(dir, 'never-created'));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('start-up imported @aws-sdk/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('usage errors and option values', () => {
  it('prints the error and one hint line, not the whole help', () => {
    const r = spawnSync(process.execPath, [bin, 'audit', '--format', 'yaml'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      "error: option '--format <format>' argument 'yaml' is invalid. Allowed choices are table, json, csv, sarif, junit, ocsf, asff.",
      'hint: hyperaudit audit --help lists the options',
    ]);
  });

  it('takes option values in any case (--profile STIG)', () => {
    const r = run('rules', 'show', 'esxi.ssh-disabled', '--profile', 'STIG', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'esxi.ssh-disabled' });
  });
});
