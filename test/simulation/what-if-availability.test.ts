import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/app/simulate';
import type { HostView } from '../../src/model/fleet';
import { applyWhatIf, compareResults } from '../../src/simulation/what-if';
import { formatWhatIf } from '../../src/simulation/format';
import { runCli } from '../support/run-cli';
import { fleetOf } from './helpers';

const host = (id: string, cluster: string): HostView => ({
  id,
  cluster,
  cpu: { sockets: 2, coresPerSocket: 16, mhz: 2600 },
  memoryMiB: 131072,
});
const vm = (id: string, hostId: string, app?: string) => ({
  id,
  hostId,
  vcpus: 2,
  memoryMiB: 32768,
  workload: { cpuAvgPct: 10, cpuPeakPct: 20 },
  ...(app !== undefined && { labels: { app, role: 'replica' } }),
});

/** `prod`: three hosts, one VM-pair app spread over two of them; `lab`: two hosts, untouched by the change. */
function fleet() {
  return fleetOf(
    [host('p1', 'prod'), host('p2', 'prod'), host('p3', 'prod'), host('l1', 'lab'), host('l2', 'lab')],
    [
      vm('db-1', 'p1', 'db'),
      vm('db-2', 'p2', 'db'),
      vm('x-1', 'p1'),
      vm('x-2', 'p2'),
      vm('x-3', 'p3'),
      vm('x-4', 'p3'),
      vm('l-1', 'l1'),
    ],
  );
}

const OPTS = { trials: 3000, seed: 5 };

describe('what-if per-cluster availability', () => {
  it('shows a cluster losing N+1, a replica set and blast radius when a host goes to maintenance', () => {
    const base = fleet();
    const changes = [
      { type: 'maintenance' as const, host: 'p3' },
      { type: 'migrate' as const, vm: 'db-2', toHost: 'p1' },
    ];
    const applied = applyWhatIf(base, changes);
    const report = compareResults(
      changes,
      applied.notes,
      runSimulation(base, OPTS),
      runSimulation(applied.fleet, OPTS),
    );
    const prod = report.clusters.find((c) => c.clusterId === 'prod')!;
    // Six 32 GiB VMs on three 128 GiB hosts tolerate one failure; on two hosts, losing one strands two VMs.
    expect(prod.haToleratedFailures).toEqual({ before: 1, after: 0, delta: -1 });
    expect(prod.pCannotRestart.before).toBe(0);
    expect(prod.pCannotRestart.after!).toBeGreaterThan(0);
    // p1 ends with db-1, x-1, x-3 (evacuated) and db-2 (migrated): both db replicas go with it.
    expect(prod.blastRadiusVmsMax).toEqual({ before: 2, after: 4, delta: 2 });
    expect(prod.replicaSetsLost.before).toBe(0);
    expect(prod.replicaSetsLost.after).toBe(1);
    expect(prod.vmDowntimeHoursMax.after!).toBeGreaterThan(prod.vmDowntimeHoursMax.before!);
    // A cluster the change does not touch reads the same before and after.
    const lab = report.clusters.find((c) => c.clusterId === 'lab')!;
    for (const d of Object.values(lab).filter((x) => typeof x === 'object')) expect(d).toMatchObject({ delta: 0 });

    const table = formatWhatIf(report);
    expect(table).toContain('cluster availability (before → after)');
    expect(table).toMatch(/│ prod +│ 0\.00e\+0 → \d\.\d\de-\d +│ 1 host\(s\) → 0 host\(s\) +│ 0 → 1 +│ 2 → 4 /);
    expect(table).toMatch(/│ lab +│ 0\.00e\+0 +│ 1 host\(s\) +│ 0 +│ 1 /);
  });

  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-whatif-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the per-cluster comparison in the what-if JSON of the command line', async () => {
    const f = fleet();
    const scenario = join(dir, 'scenario.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        start: '2026-11-20T00:00:00Z',
        hosts: [...f.hosts.values()],
        vms: [...f.vms.values()].map(({ movements: _, ...v }) => v),
      }),
    );
    const whatIf = join(dir, 'what-if.json');
    writeFileSync(
      whatIf,
      JSON.stringify([
        { type: 'remove-host', host: 'p3' },
        { type: 'migrate', vm: 'db-2', toHost: 'p1' },
      ]),
    );
    const { code, stdout } = await runCli(
      'simulate',
      '--scenario',
      scenario,
      '--what-if',
      whatIf,
      '--trials',
      '2000',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.kind).toBe('hyperaudit.simulation.what-if');
    expect(out.clusters.map((c: { clusterId: string }) => c.clusterId)).toEqual(['lab', 'prod']);
    expect(out.clusters[1]).toMatchObject({
      clusterId: 'prod',
      haToleratedFailures: { before: 1, after: 0, delta: -1 },
      replicaSetsLost: { before: 0, after: 1 },
    });
  });
});
