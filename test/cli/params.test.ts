import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules, RuleLoadError } from '../../src/engine/load-rules';
import { readParamsFile } from '../../src/cli/params-option';
import { runCli } from '../support/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('--params FILE: rule thresholds without copying rules/', () => {
  it('overrides a param from a YAML file, and the title states the value in force as a sentence', () => {
    const overrides = readParamsFile(file('site.yaml', 'esxi.patch-level:\n  minBuild: 99999999\n'));
    const rule = loadRules(undefined, { paramOverrides: overrides }).find((r) => r.id === 'esxi.patch-level')!;
    expect(rule.params.minBuild).toBe(99999999);
    expect(rule.title).toBe('ESXi must run a supported, patched build (build 99999999 or later).');
  });

  it('titles never show a raw params.name', () => {
    for (const rule of loadRules()) expect(rule.title, rule.id).not.toMatch(/params\.|\{\{/);
  });

  it('refuses an unknown rule id, an unknown param and a value of the wrong type, naming each', () => {
    const overrides = readParamsFile(
      file(
        'bad.json',
        JSON.stringify({
          'esxi.no-such-rule': { x: 1 },
          'esxi.patch-level': { minBiuld: 1, minBuild: 'latest' },
        }),
      ),
    );
    let error: unknown;
    try {
      loadRules(undefined, { paramOverrides: overrides });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RuleLoadError);
    const message = (error as Error).message;
    expect(message).toContain('no rule "esxi.no-such-rule"');
    expect(message).toContain('rule "esxi.patch-level" has no param "minBiuld"');
    expect(message).toMatch(/esxi\.patch-level\.minBuild needs a number like \d+, got "latest"/);
  });

  it('audit exits 1 with the file and the problem before touching the store', async () => {
    const bad = file('shape.json', JSON.stringify({ 'esxi.patch-level': 5 }));
    const run = await runCli('audit', '--params', bad, '--data-dir', join(dir, 'never'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}: esxi.patch-level: needs a map (object), got number`);
    const unknown = file('unknown.json', JSON.stringify({ 'nope.rule': { a: 1 } }));
    const second = await runCli('audit', '--params', unknown, '--data-dir', join(dir, 'never'));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('params: no rule "nope.rule"');
  });
});

describe('report --params FILE', () => {
  const store = join(dir, 'report-store');
  const vcsim = join(import.meta.dirname, '..', 'fixtures', 'sources', 'vcenter', 'vcsim');

  it('exits 1 naming a bad params file before touching the store', async () => {
    const bad = file('report-bad.json', JSON.stringify({ 'esxi.patch-level': 5 }));
    const run = await runCli('report', '--params', bad, '--data-dir', join(dir, 'never'));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}: esxi.patch-level: needs a map (object), got number`);
  });

  it('audits with the overridden thresholds before writing the report', { timeout: 120_000 }, async () => {
    expect((await runCli('ingest', vcsim, '--data-dir', store, '--json')).code).toBe(0);
    const site = file('report-site.yaml', 'esxi.patch-level:\n  minBuild: 99999999\n');
    const out = join(dir, 'report-out');
    const run = await runCli('report', '--params', site, '--out', out, '--data-dir', store);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`audited now with --params ${site} (profile scg)`);
    const findings = readFileSync(join(out, 'report.json'), 'utf8');
    expect(findings).toContain('build 99999999 or later');
  });
});
