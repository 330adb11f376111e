import { describe, expect, it } from 'vitest';
import { buildReportData } from '../../src/report/html/build-report-data';
import { toSimulationView } from '../../src/report/html/simulation-view';
import { fitForItem, runSimulation, storedForm } from '../../src/app/simulate';
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

  it('lists the categories by name, whatever order the findings come in', async () => {
    const store = await reportStore();
    const fleet = await store.loadFleet();
    const keysOf = (findings: typeof FINDINGS) =>
      Object.keys(
        buildReportData({ generatedAt: '2026-11-02T00:00:00.000Z', findings, fleet, trend: [] }).summary.byCategory,
      );
    expect(keysOf(FINDINGS)).toEqual(['consolidation', 'hardening', 'perimeter']);
    expect(keysOf([...FINDINGS].reverse())).toEqual(['consolidation', 'hardening', 'perimeter']);
  });

  it('counts unverified findings apart, never as resolved', async () => {
    const store = await reportStore();
    const unverified = FINDINGS.filter((f) => f.status === 'open').map((f) => ({
      ...f,
      fingerprint: `${f.fingerprint}-u`,
      status: 'unverified' as const,
    }));
    const { summary } = buildReportData({
      generatedAt: '2026-11-02T00:00:00.000Z',
      findings: [...FINDINGS, ...unverified],
      fleet: await store.loadFleet(),
      trend: [],
    });
    expect([summary.unverified, summary.resolved, summary.openTotal]).toEqual([unverified.length, 1, 5]);
  });

  it('scores each host from its own open findings and those of the VMs it runs now', async () => {
    const heat = Object.fromEntries((await data()).heatmap.map((h) => [h.id, [h.risk, h.bucket, h.simulationScore]]));
    // esx-02: high on vm-evil + high perimeter on the clone migrated there + medium on the host itself.
    expect(heat).toEqual({ 'esx-01': [10, 2, 18], 'esx-02': [12, 2, 72], 'esx-03': [1, 1, undefined] });
  });

  it('explains the host risk with the weights and buckets it was computed with', async () => {
    const { riskScale, heatmap } = await data();
    expect(riskScale.weights).toEqual({ critical: 10, high: 5, medium: 2, low: 1, info: 0 });
    for (const h of heatmap) {
      const weighted = Object.entries(h.open).reduce(
        (n, [s, c]) => n + riskScale.weights[s as keyof typeof riskScale.weights] * c,
        0,
      );
      expect(weighted, h.id).toBe(h.risk);
      expect(riskScale.buckets.filter((b) => h.risk >= b).length, h.id).toBe(h.bucket);
    }
  });

  it('lists perimeter violations with the clone origin and migration evidence', async () => {
    const [v] = (await data()).perimeterViolations;
    expect(v).toMatchObject({ vmId: 'vm-pay-clone', perimeter: 'pci', perimeterSource: 'clone', hostId: 'esx-02' });
    expect(v!.movements.map((m) => [m.kind, m.fromHostId, m.toHostId])).toEqual([['drs', 'esx-01', 'esx-02']]);
  });

  it('names simulated hosts from the inventory when the simulation only knows ids', async () => {
    const store = await reportStore();
    const simulation = toSimulationView({
      ...SIMULATION,
      apps: {},
      hosts: { 'esx-03': { ...SIMULATION.hosts['esx-01']!, score: 5, topReason: 'cpuReady' } },
    })!;
    const d = buildReportData({
      generatedAt: 'now',
      findings: [],
      fleet: await store.loadFleet(),
      trend: [],
      simulation,
    });
    expect(d.simulation!.hosts).toEqual([
      { id: 'esx-03', name: '</script><b>host</b>', score: 5, reasons: ['mostly CPU ready'] },
    ]);
    expect(d.simulation!.downtime).toEqual({
      per: 'host',
      entries: [{ label: '</script><b>host</b>', hoursPerYear: 0.00046 * 8760 }],
    });
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

const ESSENTIAL = [
  'score',
  'overloadedTimeFraction',
  'cpuReadyPct',
  'memoryOvercommit',
  'coincidingPeaks',
  'unavailability',
  'singleFailureRestartable',
] as const;

describe('toSimulationView', () => {
  it('maps scores, reasons, the overload series over the day and downtime per application', () => {
    const view = toSimulationView(SIMULATION)!;
    expect(view.hosts.map((h) => [h.id, h.score])).toEqual([
      ['esx-02', 72],
      ['esx-01', 18],
    ]);
    expect(view.hosts[0]!.reasons).toEqual([
      'mostly CPU overload',
      'CPU overloaded 10.0% of the time',
      'CPU ready 6.5%',
      'memory overcommit 1.40×',
      '3 VMs peaking together',
    ]);
    expect(view.overload.values).toHaveLength(288);
    expect(view.overload.labels[168]).toBe('14:00');
    expect(view.overload.stepMinutes).toBe(5);
    expect(view.downtime).toEqual({
      per: 'application',
      entries: [
        { label: 'shop', hoursPerYear: 7.9 },
        { label: 'payments', hoursPerYear: 4.03 },
      ],
    });
    expect(view.energy).toEqual({ kWh: 123.4, hostsCounted: 2, hostsWithoutCurve: 0 });
    expect(view.energyMissing).toBeUndefined();
    expect(view.overloadedTimeFraction).toBe(0.042);
  });

  it('gives no energy figure, but the reason, when no host has a power curve', () => {
    const view = toSimulationView({
      ...SIMULATION,
      fleet: { ...SIMULATION.fleet, energyKWh: 0, hostsWithoutPowerCurve: 2 },
    })!;
    expect(view.energy).toBeUndefined();
    expect(view.energyMissing).toContain('none of the 2 simulated hosts has a SPECpower curve');
  });

  it('counts only the hosts with a curve when some lack one', () => {
    const view = toSimulationView({ ...SIMULATION, fleet: { ...SIMULATION.fleet, hostsWithoutPowerCurve: 1 } })!;
    expect(view.energy).toEqual({ kWh: 123.4, hostsCounted: 1, hostsWithoutCurve: 1 });
  });

  it('reads every detail level the simulation stores under simulation/latest', async () => {
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
    const result = runSimulation(await store.loadFleet(), { steps: 48 });
    const full = fitForItem({ ...storedForm(result), simulatedAt: '2026-11-01T10:00:00.000Z' });
    // The leanest level fitForItem falls back to: apps and clusters dropped, essential host figures only.
    const essential = {
      ...full,
      apps: {},
      clusters: {},
      hosts: Object.fromEntries(
        Object.entries(storedForm(result).hosts).map(([id, h]) => [
          id,
          Object.fromEntries(ESSENTIAL.map((k) => [k, h[k]])),
        ]),
      ),
      storedDetail: 'essential',
    };
    for (const [detail, stored] of [
      ['full', full],
      ['essential', essential],
    ] as const) {
      const view = toSimulationView(JSON.parse(JSON.stringify(stored)))!;
      expect(view.hosts.map((h) => h.id).sort(), detail).toEqual(Object.keys(result.hosts).sort());
      expect(view.hosts[0]!.score, detail).toBe(Math.max(...Object.values(result.hosts).map((h) => h.score)));
      expect(view.overload.values, detail).toEqual(result.fleet.overloadedHostsPerStep);
      expect(view.overloadedTimeFraction, detail).toBe(result.fleet.overloadedTimeFraction);
      expect(view.downtime.per, detail).toBe(detail === 'full' ? 'application' : 'host');
      expect(view.downtime.entries.length, detail).toBeGreaterThan(0);
    }
  });

  it('refuses a stored simulation of another shape, naming the key', () => {
    expect(() => toSimulationView({ hosts: 'nonsense' })).toThrow(/simulation\/latest .*kind/);
    const { overloadedHostsPerStep: _, ...fleet } = SIMULATION.fleet;
    expect(() => toSimulationView({ ...SIMULATION, fleet })).toThrow(/fleet\.overloadedHostsPerStep/);
    expect(() =>
      toSimulationView({ ...SIMULATION, hosts: { h: { ...SIMULATION.hosts['esx-01']!, score: '72' } } }),
    ).toThrow(/hosts\.h\.score/);
    // Shapes an older report guessed at (other series names) are refused, not read as something else.
    expect(() => toSimulationView({ overloadSeries: [0, 1], availability: [{ label: 'x', value: 1 }] })).toThrow(
      /simulation\/latest/,
    );
  });

  it('gives no view when no simulation is stored', () => {
    expect(toSimulationView(undefined)).toBeUndefined();
    expect(toSimulationView(null)).toBeUndefined();
  });
});
