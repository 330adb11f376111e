import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { runSimulation } from '../../src/app/simulate';
import { applyWhatIf, compareResults } from '../../src/simulation/what-if';
import { parseWhatIf } from '../../src/simulation/scenario';
import { fleetOf, linearCurve } from './helpers';

const host = (id: string, cluster = 'c', extra: Partial<HostView> = {}): HostView => ({
  id,
  cluster,
  cpu: { sockets: 1, coresPerSocket: 8, mhz: 2000 },
  memoryMiB: 65536,
  power: { specpowerWatts: linearCurve(100, 300) },
  ...extra,
});

function fleet() {
  return fleetOf(
    [host('h1'), host('h2'), host('h3'), host('h4'), host('other', 'd')],
    [
      { id: 'a', hostId: 'h1', vcpus: 4, memoryMiB: 16384, workload: { cpuAvgPct: 30, cpuPeakPct: 60 } },
      { id: 'b', hostId: 'h1', vcpus: 4, memoryMiB: 8192, workload: { cpuAvgPct: 30, cpuPeakPct: 60 } },
      { id: 'c', hostId: 'h2', vcpus: 4, memoryMiB: 16384, workload: { cpuAvgPct: 30, cpuPeakPct: 60 } },
      { id: 'd', hostId: 'h3', vcpus: 4, memoryMiB: 16384, workload: { cpuAvgPct: 30, cpuPeakPct: 60 } },
      { id: 'e', hostId: 'h4', vcpus: 4, memoryMiB: 16384, workload: { cpuAvgPct: 30, cpuPeakPct: 60 } },
    ],
  );
}

describe('what-if', () => {
  it('evacuates a host put in maintenance onto its cluster, largest VM to the host with most free memory', () => {
    const { fleet: after, notes } = applyWhatIf(fleet(), parseWhatIf([{ type: 'maintenance', host: 'h1' }], 'w.json'));
    expect(after.hosts.get('h1')!.maintenanceMode).toBe(true);
    // a (16 GiB) goes first; h2, h3, h4 each have 48 GiB free → lowest id h2. Then b: h3 and h4 have 48 GiB → h3.
    expect(after.vms.get('a')!.hostId).toBe('h2');
    expect(after.vms.get('b')!.hostId).toBe('h3');
    expect(notes).toContain('evacuated 2 VM(s) from h1');
  });

  it('consolidates N:1 by keeping ceil(n/N) hosts and powering the rest off, and reports lower energy', () => {
    const before = fleet();
    const applied = applyWhatIf(before, [{ type: 'consolidate', cluster: 'c', ratio: 2 }]);
    const kept = [...applied.fleet.hosts.values()]
      .filter((h) => h.cluster === 'c' && !h.maintenanceMode)
      .map((h) => h.id);
    expect(kept).toEqual(['h1', 'h2']);
    for (const vm of applied.fleet.vms.values()) expect(['h1', 'h2']).toContain(vm.hostId);
    const report = compareResults(
      [],
      applied.notes,
      runSimulation(before, { trials: 200 }),
      runSimulation(applied.fleet, { trials: 200 }),
    );
    expect(report.fleet.energyKWh.delta!).toBeLessThan(0);
    // 'other' (cluster d) runs nothing, so 4 hosts are active before and 2 after.
    expect(report.fleet.activeHosts).toEqual({ before: 4, after: 2, delta: -2 });
    const h1 = report.hosts.find((h) => h.hostId === 'h1');
    expect(h1 === undefined || h1.after! >= h1.before!).toBe(true);
  });

  it('migrates a VM, adds a host like another, and removes a host, printing per-host score deltas', () => {
    const base = fleet();
    const changes = parseWhatIf(
      {
        changes: [
          { type: 'add-host', like: 'h1', id: 'h9' },
          { type: 'migrate', vm: 'a', toHost: 'h9' },
          { type: 'remove-host', host: 'h4' },
        ],
      },
      'w.json',
    );
    const applied = applyWhatIf(base, changes);
    expect(applied.fleet.hosts.get('h9')!.cpu).toEqual(base.hosts.get('h1')!.cpu);
    expect(applied.fleet.vms.get('a')!.hostId).toBe('h9');
    expect(applied.fleet.hosts.has('h4')).toBe(false);
    expect(applied.fleet.vms.get('e')!.hostId).not.toBe('h4');
    const report = compareResults(
      changes,
      applied.notes,
      runSimulation(base, { trials: 100 }),
      runSimulation(applied.fleet, { trials: 100 }),
    );
    expect(report.hosts.find((h) => h.hostId === 'h4')).toMatchObject({ after: null, delta: null });
    expect(report.hosts.find((h) => h.hostId === 'h9')).toMatchObject({ before: null });
    expect(report.vms.find((v) => v.vmId === 'a')).toMatchObject({ hostBefore: 'h1', hostAfter: 'h9' });
    // The input fleet is left as it was.
    expect(base.vms.get('a')!.hostId).toBe('h1');
  });

  it('rejects a change naming an unknown host with its position in the file', () => {
    expect(() => applyWhatIf(fleet(), [{ type: 'migrate', vm: 'a', toHost: 'nope' }])).toThrow(
      'what-if change 1: no host "nope"',
    );
    expect(() => parseWhatIf([{ type: 'consolidate', cluster: 'c', ratio: 1 }], 'w.json')).toThrow(
      /w\.json: \[0\]\.ratio/,
    );
  });
});
