import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli as cli } from '../support/run-cli';
import { SAMPLES } from '../e2e/planted';

describe('hyperaudit plan (against dynalite)', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-plan-');
    const files = ['perimeters', 'hosts', 'vms'].map((f) => join(SAMPLES, 'fleet', `${f}.ndjson`));
    const ingest = await cli('ingest', ...files, '--endpoint', dynamo.endpoint, '--json');
    expect(ingest.code).toBe(0);
  }, 240_000);
  afterAll(async () => {
    await dynamo?.stop();
  });

  it('prints a runnable script of commands, and the same plan as JSON', async () => {
    const common = ['--endpoint', dynamo.endpoint, '--traces', join(SAMPLES, 'traces'), '--trials', '200'];
    const script = await cli('plan', '--format', 'commands', '--vmware-tool', 'powercli', ...common);
    expect(script.code).toBe(0);
    const lines = script.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^# hyperaudit plan --goal fix: \d+ migration/);
    expect(lines.filter((l) => l.startsWith('Move-VM -VM (Get-VM -Name ')).length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^# not cleared: n-plus-one fra-pve/);
    // Every line is a comment or a command: nothing from inventory can start a line of its own.
    for (const line of lines)
      expect(line).toMatch(/^(#|govc |Move-VM |openstack |virsh |pvesh |Set-VMHost |ha-manager |Suspend-ClusterNode )/);

    const json = await cli('plan', '--format', 'json', ...common);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { kind: string; steps: unknown[]; verification: { added: unknown[] } };
    expect(plan.kind).toBe('hyperaudit.plan');
    expect(plan.steps.length).toBe(lines.filter((l) => !l.startsWith('#')).length);
    expect(plan.verification.added).toEqual([]);
  }, 240_000);

  it('writes the plan to --out and still says in one line on stderr what it planned and where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-plan-out-'));
    try {
      const out = join(dir, 'plan.json');
      const common = ['--endpoint', dynamo.endpoint, '--traces', join(SAMPLES, 'traces'), '--trials', '50'];
      const run = await cli('plan', '--format', 'json', '--max-moves', '3', '--out', out, ...common);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('');
      const plan = JSON.parse(readFileSync(out, 'utf8')) as { steps: unknown[] };
      expect(run.stderr).toContain(`wrote json plan to ${out}: ${plan.steps.length} migration`);
      expect(run.stderr).toMatch(/to maintenance, \d+ findings? no move clears\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('refuses a bad --max-moves and a bad --goal as usage errors', async () => {
    expect((await cli('plan', '--max-moves', '0', '--endpoint', dynamo.endpoint)).code).toBe(2);
    expect((await cli('plan', '--goal', 'chaos', '--endpoint', dynamo.endpoint)).code).toBe(2);
  });

  it('asks for --traces when VMs replay traces it was not given', async () => {
    const run = await cli('plan', '--endpoint', dynamo.endpoint);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--traces/);
  });
});
