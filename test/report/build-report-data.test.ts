import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../src/report/html/build-report-data';
import { toSimulationView } from '../../src/report/html/simulation-view';
import { runSimulation, storedForm } from '../../src/app/simulate';
import { FINDINGS, SIMULATION, reportStore } from './report-fixture';

async function data() {
  const store = await reportStore();
  const simulation = toSimulationView(SIMULATION);
  return buildReportData({
    generatedAt: '2026-11-02T00:00:00.000Z',
    findings: FINDINGS,
    fleet: await store.loadFleet(),
    trend: [],
    ...(simulation && { simulation }),
  });
}

describe('buildReportData', () => {
  it('counts open findings by severity and category, and waived and resolved apart', async () => {
    const { summary } = await data();
    expect(summary.open).toEqual({ critical: 1, high: 2, medium: 1, low: 1, info: 0 });
    expect(summary.byCategory).toEqual({ hardening: 3, perimeter: 1, consolidation: 1 });
    expect([summary.waived, summary.resolved, summary.hosts, summary.vms]).toEqual([1, 1, 3, 4]);
  });

  it('scores each host from its own open findings and those of the VMs it runs now', async () => {
    const heat = Object.fromEntries((await data()).heatmap.map((h) => [h.id, [h.risk, h.bucket, h.simulationScore]]));
    // esx-02: high on vm-evil + high perimeter on the clone migrated there + medium on the host itself.
    expect(heat).toEqual({ 'esx-01': [10, 2, 18], 'esx-02': [12, 2, 72], 'esx-03': [1, 1, undefined] });
  });

  it('lists perimeter violations with the clone origin and migration evidence', async () => {
    const [v] = (await data()).perimeterViolations;
    expect(v).toMatchObject({ vmId: 'vm-pay-clone', perimeter: 'pci', perimeterSource: 'clone', hostId: 'esx-02' });
    expect(v!.movements.map((m) => [m.kind, m.fromHostId, m.toHostId])).toEqual([['drs', 'esx-01', 'esx-02']]);
  });

  it('names simulated hosts from the inventory when the simulation only knows ids', async () => {
    const store = await reportStore();
    const simulation = toSimulationView({ hosts: { 'esx-03': { score: 5, topReason: 'cpuReady' } } })!;
    const d = buildReportData({
      generatedAt: 'now',
      findings: [],
      fleet: await store.loadFleet(),
      trend: [],
      simulation,
    });
    expect(d.simulation!.hosts).toEqual([
      { id: 'esx-03', name: '</script><b>host</b>', score: 5, reasons: ['mostly cpuReady'] },
    ]);
  });

  it('charts overload over the day from the per-step host counts the simulation stores', () => {
    const simulation = toSimulationView({
      window: { start: '2026-11-01T00:00:00.000Z', steps: 3, stepSeconds: 300 },
      fleet: { energyKWh: 1, overloadedTimeFraction: 0.1, overloadedHostsPerStep: [0, 2, 1] },
      hosts: { 'esx-03': { score: 5 } },
    })!;
    expect(simulation.overload).toEqual({ labels: ['00:00', '00:05', '00:10'], values: [0, 2, 1] });
  });

  it('orders findings open first, then by severity', async () => {
    const statuses = (await data()).findings.map((f) => `${f.status}:${f.severity}`);
    expect(statuses).toEqual([
      'open:critical',
      'open:high',
      'open:high',
      'open:medium',
      'open:low',
      'waived:medium',
      'resolved:info',
    ]);
  });
});

describe('toSimulationView', () => {
  it('maps scores, reasons, the overload series over the day and availability', () => {
    const view = toSimulationView(SIMULATION)!;
    expect(view.hosts.map((h) => [h.id, h.score])).toEqual([
      ['esx-02', 72],
      ['esx-01', 18],
    ]);
    expect(view.hosts[0]!.reasons[1]).toContain('peaks together');
    expect(view.overload.values).toHaveLength(288);
    expect(view.overload.labels[168]).toBe('14:00');
    expect(view.availability).toEqual([
      { label: 'general', value: 0.9991 },
      { label: 'pci-cluster', value: 0.99954 },
    ]);
    expect([view.energyKWh, view.overloadedTimeFraction]).toEqual([123.4, 0.042]);
  });

  it('accepts scores keyed by id and fleet-level figures nested under fleet', () => {
    const view = toSimulationView({
      fleet: { energyKWh: 5, overloadedTimeFraction: 0.1 },
      hostScores: { h1: { score: 3, reasons: [{ component: 'cpuReady' }] } },
    });
    expect(view).toMatchObject({
      energyKWh: 5,
      overloadedTimeFraction: 0.1,
      hosts: [{ id: 'h1', score: 3, reasons: ['cpuReady'] }],
    });
  });

  it('reads the form the simulation stores under simulation/latest', async () => {
    const store = await reportStore();
    await store.putEvents([
      {
        id: 'cpu1',
        time: '2026-11-01T09:00:00.000Z',
        type: 'host.upsert',
        host: { id: 'esx-01', cpu: { sockets: 1, coresPerSocket: 2, mhz: 2000 }, memoryMiB: 8192 },
      },
      {
        id: 'cpu2',
        time: '2026-11-01T09:00:00.000Z',
        type: 'host.upsert',
        host: { id: 'esx-02', cpu: { sockets: 1, coresPerSocket: 2, mhz: 2000 }, memoryMiB: 8192 },
      },
      {
        id: 'load',
        time: '2026-11-01T09:00:00.000Z',
        type: 'vm.upsert',
        vm: {
          id: 'vm-evil',
          vcpus: 8,
          memoryMiB: 16384,
          labels: { app: 'shop' },
          workload: { cpuAvgPct: 90, cpuPeakPct: 100 },
        },
      },
    ]);
    const stored = storedForm(runSimulation(await store.loadFleet(), { steps: 48 }));
    const view = toSimulationView(JSON.parse(JSON.stringify(stored)))!;
    expect(view.hosts.map((h) => h.id).sort()).toEqual(Object.keys(stored.hosts).sort());
    expect(view.hosts[0]!.score).toBe(Math.max(...Object.values(stored.hosts).map((h) => Number(h.score))));
    expect(view.hosts[0]!.reasons.length).toBeGreaterThan(0);
    expect(view.energyKWh).toBe(stored.fleet.energyKWh);
    expect(view.overloadedTimeFraction).toBe(stored.fleet.overloadedTimeFraction);
    expect(view.availability.length).toBeGreaterThan(0);
    for (const a of view.availability) expect(a.value).toBeGreaterThan(0.9);
  });

  it('labels a per-step overload series with the simulated window times', () => {
    const view = toSimulationView({
      window: { start: '2026-11-01T06:00:00.000Z', steps: 3, stepSeconds: 1800 },
      overloadedHostsPerStep: [0, 2, 1],
    })!;
    expect(view.overload).toEqual({ labels: ['06:00', '06:30', '07:00'], values: [0, 2, 1] });
  });

  it('gives no view for a missing or unusable simulation', () => {
    expect(toSimulationView(undefined)).toBeUndefined();
    expect(toSimulationView({ hosts: 'nonsense' })).toBeUndefined();
    expect(toSimulationView({})).toBeUndefined();
  });
});
