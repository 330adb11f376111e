import { fixedClock, systemClock } from '../../src/model/ports/clock';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/engine/load-rules';
import type { FleetEvent } from '../../src/model/event';
import { runAudit } from '../../src/app/audit';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { MemoryStore } from '../../src/store/memory-store';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli as cli } from '../support/run-cli';

const rules = loadRules(DEFAULT_RULES_DIR);
const t = (n: number) => new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString();
const sshOn: FleetEvent = {
  id: 'h1',
  time: t(1),
  type: 'host.upsert',
  host: {
    id: 'esx-1',
    cluster: 'c1',
    hypervisor: { vendor: 'vmware', build: '24585383' },
    services: { 'TSM-SSH': { running: true, policy: 'on' } },
  },
};
const sshOff: FleetEvent = {
  id: 'h2',
  time: t(2),
  type: 'host.upsert',
  host: { id: 'esx-1', services: { 'TSM-SSH': { running: false, policy: 'off' } } },
};

describe('runAudit', () => {
  it('stores findings and resolves them once the host is fixed', async () => {
    const store = new MemoryStore();
    await store.putEvents([sshOn]);
    const first = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules });
    expect(first.findings.map((f) => f.ruleId)).toContain('esxi.ssh-disabled');
    const high = first.findings.filter((f) => f.severity === 'high');
    expect(first.summary.findings.high).toBe(high.filter((f) => f.status === 'open').length);
    expect(first.summary.unverified.high).toBe(high.filter((f) => f.status === 'unverified').length);
    // SSH was reported running: observed, so open; settings the host never reported are unverified.
    expect(first.findings.find((f) => f.ruleId === 'esxi.ssh-disabled')?.status).toBe('open');
    await store.putEvents([sshOff]);
    const second = await runAudit({ store, clock: fixedClock('2026-11-03T00:00:00.000Z') }, { rules });
    expect(second.findings.map((f) => f.ruleId)).not.toContain('esxi.ssh-disabled');
    expect(second.resolved.map((f) => f.ruleId)).toEqual(['esxi.ssh-disabled']);
    const stored = (await store.listFindings()).find((f) => f.ruleId === 'esxi.ssh-disabled');
    expect(stored).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-03T00:00:00.000Z',
      firstSeen: '2026-11-02T00:00:00.000Z',
    });
  });

  it('keeps honouring the waivers of an earlier audit when a later audit is given none', async () => {
    const store = new MemoryStore();
    await store.putEvents([sshOn]);
    const waivers = [
      {
        resource: 'esx-*',
        rule: 'esxi.ssh-disabled',
        reason: 'break-glass host',
        owner: 'ops@example.com',
        expires: '2027-01-31',
      },
    ];
    const first = await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules, waivers });
    expect(first.findings.find((f) => f.ruleId === 'esxi.ssh-disabled')?.status).toBe('waived');
    const later = await runAudit({ store, clock: fixedClock('2026-11-03T00:00:00.000Z') }, { rules });
    expect(later.findings.find((f) => f.ruleId === 'esxi.ssh-disabled')?.status).toBe('waived');
    const replaced = await runAudit({ store, clock: fixedClock('2026-11-04T00:00:00.000Z') }, { rules, waivers: [] });
    expect(replaced.findings.find((f) => f.ruleId === 'esxi.ssh-disabled')?.status).toBe('open');
  });

  it('keeps a clone-outside-perimeter finding open after the clone source is deleted', async () => {
    const store = new MemoryStore();
    await store.putEvents([
      { id: 'p', time: t(0), type: 'perimeter.upsert', perimeter: { id: 'pci', allowedClusters: ['c-pci'] } },
      { id: 'h-pci', time: t(0), type: 'host.upsert', host: { id: 'esx-pci-1', cluster: 'c-pci', datacenter: 'dc1' } },
      { id: 'h-gen', time: t(0), type: 'host.upsert', host: { id: 'esx-gen-1', cluster: 'c-gen', datacenter: 'dc1' } },
      { id: 'v', time: t(1), type: 'vm.upsert', vm: { id: 'vm-pay', hostId: 'esx-pci-1', perimeter: 'pci' } },
      {
        id: 'c',
        time: t(2),
        type: 'vm.clone',
        clone: { sourceVmId: 'vm-pay', vm: { id: 'vm-pay-clone', hostId: 'esx-gen-1' } },
      },
    ]);
    const open = (r: Awaited<ReturnType<typeof runAudit>>) =>
      r.findings
        .filter((f) => f.ruleId === 'perimeter.clone-outside-source' && f.status === 'open')
        .map((f) => f.resourceId);
    expect(open(await runAudit({ store, clock: fixedClock('2026-11-02T00:00:00.000Z') }, { rules }))).toEqual([
      'vm-pay-clone',
    ]);
    const removal = await store.putEvents([{ id: 'r', time: t(3), type: 'vm.remove', vm: { id: 'vm-pay' } }]);
    const after = await runAudit(
      { store, clock: fixedClock('2026-11-03T00:00:00.000Z') },
      { rules, scope: removal.subjects },
    );
    expect(open(after)).toEqual(['vm-pay-clone']);
  });

  it('skips the simulation rule when no simulation is stored, and applies it to simulated hosts', async () => {
    const store = new MemoryStore();
    await store.putEvents([sshOn, { id: 'h3', time: t(3), type: 'host.upsert', host: { id: 'esx-2', cluster: 'c1' } }]);
    const coverage = (r: Awaited<ReturnType<typeof runAudit>>) =>
      r.coverage.find((c) => c.ruleId === 'simulation.host-overloaded')?.resourceIds;
    const without = await runAudit({ store, clock: systemClock }, { rules });
    expect(coverage(without)).toEqual([]);
    expect(without.findings.some((f) => f.category === 'simulation')).toBe(false);
    // The shape the simulation stores under simulation/latest.
    await store.putMeta('simulation/latest', {
      kind: 'fleet',
      simulatedAt: '2026-01-01T00:00:00.000Z',
      hosts: { 'esx-1': { overloadedTimeFraction: 0.2, cluster: 'c1' }, 'esx-2': { overloadedTimeFraction: 0.01 } },
    });
    const withSim = await runAudit({ store, clock: systemClock }, { rules });
    expect(coverage(withSim)).toEqual(['esx-1', 'esx-2']);
    expect(withSim.findings.filter((f) => f.category === 'simulation').map((f) => [f.resourceId, f.evidence])).toEqual([
      ['esx-1', { 'sim.overloadedTimeFraction': 0.2 }],
    ]);
  });
});

describe('hyperaudit audit', () => {
  let dynamo: LocalDynamo;
  let store: DynamoStore;
  let dir: string;

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-audit-');
    ({ store, dir } = dynamo);
    await store.putEvents([sshOn]);
  });
  afterAll(() => dynamo?.stop());

  it('exits 3 when an open finding is at or above --fail-on, 0 below it', async () => {
    const high = await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json', '--fail-on', 'high');
    expect(high.code).toBe(3);
    const doc = JSON.parse(high.stdout) as { findings: { ruleId: string; status: string }[] };
    expect(doc.findings).toContainEqual(expect.objectContaining({ ruleId: 'esxi.ssh-disabled', status: 'open' }));
    expect((await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json', '--fail-on', 'critical')).code).toBe(
      0,
    );
  });

  it('keeps unverified findings out of --fail-on unless --fail-on-unverified is given', async () => {
    // Waive what is observed failing (SSH running, …); the host's unreported settings stay unverified.
    type Doc = {
      findings: { ruleId: string; resourceId: string; status: string }[];
      unverified: { ruleId: string; status: string; count: number; resources: { resourceId: string }[] }[];
    };
    const first = JSON.parse((await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json')).stdout) as Doc;
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const waivers = join(dir, 'waive-open.json');
    await writeFile(
      waivers,
      JSON.stringify({
        waivers: first.findings
          .filter((f) => f.status === 'open')
          .map((f) => ({ resource: f.resourceId, rule: f.ruleId, reason: 'lab', owner: 'lab@example.net', expires })),
      }),
    );
    const json = await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json', '--waivers', waivers);
    const doc = JSON.parse(json.stdout) as Doc;
    // Unverified findings are listed apart, grouped by rule and what to collect.
    expect(doc.unverified.length).toBeGreaterThan(0);
    expect(doc.unverified.every((g) => g.status === 'unverified' && g.count === g.resources.length)).toBe(true);
    expect(doc.findings.some((f) => f.status === 'unverified' || f.status === 'open')).toBe(false);
    expect((await cli('audit', '--endpoint', dynamo.endpoint, '--fail-on', 'info')).code).toBe(0);
    expect((await cli('audit', '--endpoint', dynamo.endpoint, '--fail-on', 'info', '--fail-on-unverified')).code).toBe(
      3,
    );
  });

  it('does not fail the gate on waived findings, and writes the chosen format to --out', async () => {
    const waivers = join(dir, 'waivers.json');
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await writeFile(
      waivers,
      JSON.stringify({
        waivers: [{ resource: 'esx-*', rule: '*', reason: 'lab host', owner: 'lab@example.net', expires }],
      }),
    );
    const out = join(dir, 'audit.sarif');
    const r = await cli(
      'audit',
      '--endpoint',
      dynamo.endpoint,
      '--format',
      'sarif',
      '--out',
      out,
      '--waivers',
      waivers,
      '--fail-on',
      'info',
    );
    expect(r.code).toBe(0);
    const sarif = JSON.parse(await readFile(out, 'utf8')) as { runs: { results: { suppressions?: unknown[] }[] }[] };
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(0);
    expect(sarif.runs[0]!.results.every((x) => x.suppressions !== undefined)).toBe(true);
  });

  it('refuses a bad waivers file with exit 1 and the file and field in the message', async () => {
    const waivers = join(dir, 'bad-waivers.json');
    await writeFile(
      waivers,
      JSON.stringify({ waivers: [{ resource: 'x', rule: 'y', reason: 'z', owner: 'o', expires: 'soon' }] }),
    );
    const r = await cli('audit', '--endpoint', dynamo.endpoint, '--waivers', waivers);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-waivers.json: /waivers/0/expires');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a waiver that lasts longer than --max-waiver-days, naming the file and field', async () => {
    const waivers = join(dir, 'forever-waivers.json');
    await writeFile(
      waivers,
      JSON.stringify({ waivers: [{ resource: 'esx-*', rule: '*', reason: 'r', owner: 'o', expires: '9999-12-31' }] }),
    );
    const r = await cli('audit', '--endpoint', dynamo.endpoint, '--waivers', waivers);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('forever-waivers.json: /waivers/0/expires 9999-12-31 is more than 365 days ahead');
    const longer = await cli(
      'audit',
      '--endpoint',
      dynamo.endpoint,
      '--waivers',
      waivers,
      '--max-waiver-days',
      '3000000',
    );
    expect(longer.code).toBe(1);
    expect(longer.stderr).toContain('max waiver days');
  });

  it('refuses a bad rules directory with exit 1, naming the file and JSON path', async () => {
    const rulesDir = join(dir, 'rules');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(rulesDir, 'hardening'), { recursive: true });
    const rule = JSON.parse(
      await readFile(join(DEFAULT_RULES_DIR, 'hardening', 'esxi.ssh-disabled.json'), 'utf8'),
    ) as Record<string, unknown>;
    await writeFile(
      join(rulesDir, 'hardening', 'esxi.ssh-disabled.json'),
      JSON.stringify({ ...rule, severty: 'high' }),
    );
    const r = await cli('audit', '--endpoint', dynamo.endpoint, '--rules', rulesDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/esxi\.ssh-disabled\.json: \/ must NOT have additional properties "severty"/);
  });

  it('says how many findings each audit wrote to the store: those of a new host, then none for the unchanged fleet', async () => {
    await store.putEvents([{ ...sshOn, id: 'h3', host: { ...sshOn.host, id: 'esx-3' } }]);
    const out = join(dir, 'written.json');
    const changed = await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json', '--out', out);
    const doc = JSON.parse(await readFile(out, 'utf8')) as {
      findings: { resourceId: string }[];
      unverified: { resources: { resourceId: string }[] }[];
    };
    const ofNewHost =
      doc.findings.filter((f) => f.resourceId === 'esx-3').length +
      doc.unverified.flatMap((g) => g.resources).filter((m) => m.resourceId === 'esx-3').length;
    expect(ofNewHost).toBeGreaterThan(0);
    // Every finding of the new host is new; the rest may be written too (a cluster's figures changed with it).
    const [, wrote] = /\(\d+ current findings, (\d+) written to the store\)/.exec(changed.stderr) ?? [];
    expect(Number(wrote)).toBeGreaterThanOrEqual(ofNewHost);
    const unchanged = await cli('audit', '--endpoint', dynamo.endpoint, '--format', 'json', '--out', out);
    expect(unchanged.stderr).toContain(`wrote json to ${out} (`);
    expect(unchanged.stderr).toMatch(/\(\d+ current findings, 0 written to the store\)/);
  });
});
