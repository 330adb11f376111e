import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withStore } from '../../src/cli/store-options';
import type { FleetEvent } from '../../src/model/event';
import { runCli } from '../support/run-cli';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const SCENARIO = join(FIXTURES, 'simulation/scenario-small.json');
const WHAT_IF = join(FIXTURES, 'simulation/what-if-small.json');
const DAY = join(FIXTURES, 'planetlab/20110303');
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli('simulate', ...args);

describe('hyperaudit simulate', () => {
  it('simulates a scenario file with PlanetLab traces and writes the JSON result', async () => {
    const out = join(dir, 'scenario.json');
    const { code } = await cli(
      '--scenario',
      SCENARIO,
      '--traces',
      DAY,
      '--trials',
      '500',
      '--format',
      'json',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.window).toEqual({ start: '2011-03-03T00:00:00.000Z', steps: 288, stepSeconds: 300 });
    expect(result.fleet.energyKWh).toBeGreaterThan(0);
    expect(result.fleet.overloadedTimeFraction).toBeGreaterThanOrEqual(0);
    expect(Object.keys(result.hosts)).toEqual(['esx-1', 'esx-2', 'esx-3', 'esx-4']);
    expect(result.hosts['esx-2'].reasons.length).toBeGreaterThan(0);
    expect(result.vms['vm-01'].expectedDowntimeHoursPerYear).toBeGreaterThan(0);
    expect(result.clusters.prod.hosts).toBe(3);
  });

  it('prints the fleet summary, riskiest hosts, clusters and apps as tables by default', async () => {
    const { code, stdout } = await cli('--scenario', SCENARIO, '--traces', DAY, '--trials', '300');
    expect(code).toBe(0);
    expect(stdout).toMatch(/overloaded time \(active hosts\)/);
    expect(stdout).toMatch(/hosts by score \(top 4 of 4\)/);
    expect(stdout).toMatch(/│ prod +│ 3 +│ 14 /);
    expect(stdout).toMatch(/apps by expected downtime/);
  });

  it('prints before/after score deltas for a what-if file', async () => {
    const out = join(dir, 'what-if.txt');
    const { code } = await cli(
      '--scenario',
      SCENARIO,
      '--traces',
      DAY,
      '--trials',
      '200',
      '--what-if',
      WHAT_IF,
      '--out',
      out,
    );
    expect(code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('esx-3 in maintenance');
    expect(text).toMatch(/esx-5/);
    expect(text).toMatch(/hostScoreMean/);
  });

  it('runs the CloudSim accounting over a trace folder', async () => {
    const out = join(dir, 'cloudsim.json');
    const { code, stdout, stderr } = await cli(
      '--accounting',
      'cloudsim',
      '--traces',
      DAY,
      '--format',
      'json',
      '--out',
      out,
    );
    expect(code).toBe(0);
    // --out still says, in one line, what was written where.
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(`^wrote json simulation to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ bytes\\)\n$`),
    );
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.hostsUsed).toBe(414);
    expect(r.dvfs.energyKWh).toBeCloseTo(802.75, 1);
  });

  it('rejects a scenario with a bad field, naming file and field path, exit 1 and no stack trace', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ hosts: [{ id: 'h', cpu: { sockets: 1, coresPerSocket: 2, mhz: -5 } }], vms: [] }),
    );
    const { code, stderr } = await cli('--scenario', bad);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}: hosts[0].cpu.mhz:`);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad flag value with the usage exit code', async () => {
    const { code, stderr } = await cli('--scenario', SCENARIO, '--steps', 'ten');
    expect(code).toBe(2);
    expect(stderr).toContain('--steps must be an integer');
  });

  it('without --scenario simulates the stored fleet and stores the result for the audit', async () => {
    const dataDir = join(dir, 'store');
    const cpu = { sockets: 2, coresPerSocket: 8, mhz: 2200 };
    const events: FleetEvent[] = [
      {
        id: 'h1',
        time: '2026-01-01T00:00:00Z',
        type: 'host.upsert',
        host: { id: 'esx-a', cluster: 'c', cpu, memoryMiB: 65536 },
      },
      {
        id: 'h2',
        time: '2026-01-01T00:00:00Z',
        type: 'host.upsert',
        host: { id: 'esx-b', cluster: 'c', cpu, memoryMiB: 65536 },
      },
      {
        id: 'v1',
        time: '2026-01-01T00:01:00Z',
        type: 'vm.upsert',
        vm: { id: 'vm-1', hostId: 'esx-a', vcpus: 4, memoryMiB: 8192, workload: { cpuAvgPct: 30 } },
      },
    ];
    await withStore({ dataDir, table: 'hyperaudit' }, (store) => store.putEvents(events));
    const out = join(dir, 'stored.json');
    const { code } = await cli('--data-dir', dataDir, '--trials', '100', '--format', 'json', '--out', out);
    expect(code).toBe(0);
    const printed = JSON.parse(readFileSync(out, 'utf8'));
    const latest = await withStore({ dataDir, table: 'hyperaudit' }, (store) =>
      store.getMeta<{ hosts: Record<string, { score: number }> }>('simulation/latest'),
    );
    expect(Object.keys(latest!.hosts).sort()).toEqual(['esx-a', 'esx-b']);
    expect(latest!.hosts['esx-a']!.score).toBe(printed.hosts['esx-a'].score);
  });
});
