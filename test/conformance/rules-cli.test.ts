import { describe, expect, it } from 'vitest';
import { coverage, loadConformanceTable } from '../../src/engine/conformance';
import { runCli } from '../support/run-cli';

describe('hyperaudit rules', () => {
  it('coverage --json prints the conformance table’s counts per framework', async () => {
    const run = await runCli('rules', 'coverage', '--json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { frameworks: { framework: string; counts: Record<string, number> }[] };
    expect(out.frameworks.map((f) => f.framework)).toEqual(['vsphere-8-scg', 'disa-stig']);
    expect(out.frameworks.map((f) => f.counts)).toEqual(coverage(loadConformanceTable()).map((f) => f.counts));
  });

  it('coverage prints one line per framework with the same counts', async () => {
    const run = await runCli('rules', 'coverage');
    const [scg] = coverage(loadConformanceTable());
    const line = run.stdout.split('\n').find((l) => l.includes('vsphere-8-scg'))!;
    expect(line.match(/\d+/g)!.map(Number).slice(1)).toEqual([
      scg!.counts.total,
      scg!.counts.implemented,
      scg!.counts.partial,
      scg!.counts['not-collected'],
      scg!.counts['not-auditable'],
    ]);
  });

  it('list --pack filters by pack and --json leaves the fixtures out', async () => {
    const run = await runCli('rules', 'list', '--pack', 'perimeter', '--json');
    expect(run.code).toBe(0);
    const rules = JSON.parse(run.stdout) as { id: string; pack: string; fixtures?: unknown }[];
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((r) => r.pack === 'perimeter' && r.fixtures === undefined)).toBe(true);
  });

  it('refuses an unknown pack or rule id with a usage error naming it', async () => {
    const pack = await runCli('rules', 'list', '--pack', 'nosuch');
    expect(pack.code).toBe(2);
    expect(pack.stderr).toContain('"nosuch"');
    const rule = await runCli('rules', 'show', 'esxi.nosuch');
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain('"esxi.nosuch"');
  });

  it('show prints the parameters of the chosen profile', async () => {
    const scg = JSON.parse((await runCli('rules', 'show', 'esxi.account-lockout', '--json')).stdout) as {
      params: unknown;
    };
    const stig = JSON.parse(
      (await runCli('rules', 'show', 'esxi.account-lockout', '--json', '--profile', 'stig')).stdout,
    ) as { params: unknown };
    expect(scg.params).toEqual({ min: 1, max: 5 });
    expect(stig.params).toEqual({ min: 3, max: 3 });
  });
});
