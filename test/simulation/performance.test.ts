import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { runSimulation } from '../../src/app/simulate';
import { specPowerWatts } from '../../src/simulation/energy';
import { readyFactor } from '../../src/simulation/performance/ready-factor';
import { fillFromProfile } from '../../src/simulation/workload';
import { parseTrace } from '../../src/simulation/trace';
import { fleetOf, linearCurve, traceOf, tracesMap } from './helpers';

/** 2 cores × 1000 MHz, no SMT: capacity 2000 MHz. */
const smallHost = (id: string, extra: Partial<HostView> = {}): HostView => ({
  id,
  cluster: 'c',
  cpu: { sockets: 1, coresPerSocket: 2, mhz: 1000 },
  memoryMiB: 65536,
  ...extra,
});

/**
 * busy: 2 vCPU × 1000 MHz × 100 % = 2000 MHz for the first 72 samples, then 0; steady: 2 × 1000 × 10 % = 200 MHz.
 * h1 (busy + steady) demands 2200 > 2000 in steps 0..71 only; h2 (steady) is active all 288 steps and never overloaded.
 */
const busyAndQuietHosts = () =>
  runSimulation(
    fleetOf(
      [smallHost('h1'), smallHost('h2')],
      [
        { id: 'a', hostId: 'h1', vcpus: 2, workload: { trace: 'busy' } },
        { id: 'b', hostId: 'h1', vcpus: 2, workload: { trace: 'steady' } },
        { id: 'c', hostId: 'h2', vcpus: 2, workload: { trace: 'steady' } },
      ],
    ),
    {
      traces: tracesMap(
        traceOf('busy', (k) => (k < 72 ? 100 : 0)),
        traceOf('steady', () => 10),
      ),
      trials: 0,
    },
  );

describe('performance model', () => {
  it('counts a host as overloaded only in the steps where demand exceeds capacity, time-weighted over active hosts', () => {
    const r = busyAndQuietHosts();
    expect(r.hosts.h1!.overloadedTimeFraction).toBe(0.25);
    expect(r.hosts.h2!.overloadedTimeFraction).toBe(0);
    expect(r.fleet.overloadedTimeFraction).toBe(72 / 576);
    expect(r.vms.b!.overloadedTimeFraction).toBe(0.25);
    expect(r.hosts.h1!.reasons.find((x) => x.component === 'cpuOverload')?.points).toBe(30);
  });

  it('reports how many hosts are overloaded at each step, for the overload-over-the-day chart', () => {
    const r = busyAndQuietHosts();
    expect(r.fleet.overloadedHostsPerStep).toHaveLength(288);
    expect(r.fleet.overloadedHostsPerStep.slice(0, 72).every((n) => n === 1)).toBe(true);
    expect(r.fleet.overloadedHostsPerStep.slice(72).every((n) => n === 0)).toBe(true);
    expect(r.hosts.h1!.overloadedAt).toEqual(Array.from({ length: 72 }, (_, t) => t));
  });

  it('charges host CPU for emulated NIC traffic at five times the paravirtual rate and near nothing for passthrough', () => {
    const traces = tracesMap(traceOf('flat', () => 50));
    const vm = (id: string, nic: { adapter?: string; passthrough?: boolean }) => ({
      id,
      hostId: 'h',
      vcpus: 1,
      nics: [{ network: 'n', ...nic }],
      workload: { trace: 'flat', netMbps: 1000 },
    });
    const fleet = fleetOf(
      [smallHost('h', { cpu: { sockets: 2, coresPerSocket: 16, mhz: 2000 } })],
      [vm('emu', { adapter: 'e1000' }), vm('pv', { adapter: 'vmxnet3' }), vm('pt', { passthrough: true })],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    // 1 Gbps at the documented 2000 / 400 / 50 MHz per Gbps.
    expect(r.vms.emu!.ioOverheadMHzAvg).toBeCloseTo(2000, 6);
    expect(r.vms.pv!.ioOverheadMHzAvg).toBeCloseTo(400, 6);
    expect(r.vms.pt!.ioOverheadMHzAvg).toBeCloseTo(50, 6);
    // CPU demand itself: 1 vCPU × 2000 MHz × 50 %.
    expect(r.vms.pv!.cpuDemandAvgMHz).toBeCloseTo(1000 + 400, 6);
  });

  it('charges emulated storage controllers more per IOPS than paravirtual ones', () => {
    const traces = tracesMap(traceOf('flat', () => 20));
    const fleet = fleetOf(
      [smallHost('h')],
      [
        { id: 'ide', hostId: 'h', disks: [{ controller: 'ide' }], workload: { trace: 'flat', iops: 2000 } },
        { id: 'nvme', hostId: 'h', disks: [{ controller: 'nvme' }], workload: { trace: 'flat', iops: 2000 } },
      ],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    expect(r.vms.ide!.ioOverheadMHzAvg).toBeCloseTo(600, 6);
    expect(r.vms.nvme!.ioOverheadMHzAvg).toBeCloseTo(120, 6);
  });

  it('gives each VM its max-min fair share of the uplinks when network demand exceeds them', () => {
    // Uplink 1000 Mbps; demands 900 and 300. Fair level: 300 fits under 500, the rest gets 700: shortfall 200/900.
    const traces = tracesMap(traceOf('flat', () => 30));
    const fleet = fleetOf(
      [smallHost('h', { nics: [{ id: 'n0', speedMbps: 1000 }] })],
      [
        { id: 'big', hostId: 'h', workload: { trace: 'flat', netMbps: 900 } },
        { id: 'small', hostId: 'h', workload: { trace: 'flat', netMbps: 300 } },
      ],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    expect(r.vms.big!.nicShortfallPct).toBeCloseTo((100 * 200) / 900, 3);
    expect(r.vms.small!.nicShortfallPct).toBe(0);
    expect(r.hosts.h!.nicContentionTimeFraction).toBe(1);
    expect(r.hosts.h!.nicUtilPeakPct).toBeCloseTo(120, 6);
  });

  it('reports memory overcommit as configured VM memory over host memory and scores it', () => {
    const fleet = fleetOf(
      [smallHost('h', { memoryMiB: 65536 })],
      [
        { id: 'a', hostId: 'h', memoryMiB: 65536, workload: { cpuAvgPct: 5 } },
        { id: 'b', hostId: 'h', memoryMiB: 32768, workload: { cpuAvgPct: 5 } },
        { id: 'off', hostId: 'h', memoryMiB: 65536, powerState: 'poweredOff' },
      ],
    );
    const r = runSimulation(fleet, { trials: 0 });
    expect(r.hosts.h!.memoryOvercommit).toBe(1.5);
    expect(r.hosts.h!.reasons.find((x) => x.component === 'memoryOvercommit')?.points).toBe(15);
    expect(r.vms.off!.runningTimeFraction).toBe(0);
  });

  it('flags storage contention when IOPS stay above 90 % of the host capacity', () => {
    const traces = tracesMap(traceOf('half', (k) => (k % 2 === 0 ? 10 : 30)));
    // Mean utilisation 20 %: IOPS follow the CPU shape, 500 at 10 % and 1500 at 30 % for an average of 1000.
    const fleet = fleetOf(
      [smallHost('h', { storage: { iopsCapacity: 1600 } })],
      [{ id: 'a', hostId: 'h', workload: { trace: 'half', iops: 1000 } }],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    expect(r.hosts.h!.storageContentionTimeFraction).toBe(0.5);
    expect(r.hosts.h!.storageUtilPeakPct).toBeCloseTo(93.75, 4);
  });

  it('counts VMs peaking in the same step on one host', () => {
    const spike = (at: number) => traceOf(`spike${at}`, (k) => (k === at ? 90 : 5));
    const traces = tracesMap(spike(100), spike(200));
    const fleet = fleetOf(
      [smallHost('h', { cpu: { sockets: 2, coresPerSocket: 16, mhz: 2000 } })],
      [
        { id: 'a', hostId: 'h', workload: { trace: 'spike100' } },
        { id: 'b', hostId: 'h', workload: { trace: 'spike100' } },
        { id: 'c', hostId: 'h', workload: { trace: 'spike100' } },
        { id: 'd', hostId: 'h', workload: { trace: 'spike200' } },
      ],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    expect(r.hosts.h!.coincidingPeaks).toBe(3);
    expect(r.vms.a!.coincidingPeaks).toBe(3);
    expect(r.vms.d!.coincidingPeaks).toBe(1);
    expect(r.vms.a!.peakStep).toBe(100);
  });

  it('estimates CPU ready from the M/M/c approximation, rising steeply towards saturation', () => {
    expect(readyFactor(0, 8)).toBe(0);
    expect(readyFactor(0.5, 2)).toBeCloseTo(0.5 ** Math.sqrt(6) / (2 * 0.5), 12);
    expect(readyFactor(0.9, 8)).toBeGreaterThan(readyFactor(0.6, 8));
    // Above capacity the unmet share 1 − 1/ρ adds to the queue at ρ = 0.95.
    expect(readyFactor(1.25, 4) - readyFactor(0.95, 4)).toBeCloseTo(1 - 1 / 1.25, 12);
  });

  it('makes the score the sum of its reasons’ points, each at most its weight', () => {
    const traces = tracesMap(traceOf('hot', () => 95));
    const fleet = fleetOf(
      [smallHost('h', { memoryMiB: 1024, nics: [{ id: 'n', speedMbps: 100 }] })],
      [
        { id: 'a', hostId: 'h', vcpus: 2, memoryMiB: 1024, workload: { trace: 'hot', netMbps: 200 } },
        { id: 'b', hostId: 'h', vcpus: 2, memoryMiB: 1024, workload: { trace: 'hot' } },
      ],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    for (const result of [r.hosts.h!, r.vms.a!, r.vms.b!]) {
      const sum = result.reasons.reduce((s, x) => s + x.points, 0);
      expect(result.score).toBeCloseTo(sum, 6);
      for (const reason of result.reasons) expect(reason.points).toBeLessThanOrEqual(reason.weight);
    }
    expect(r.hosts.h!.score).toBeGreaterThan(50);
  });

  it('integrates host power from the SPECpower curve, linear between points', () => {
    const curve = linearCurve(100, 200);
    expect(specPowerWatts(curve, 0)).toBe(100);
    expect(specPowerWatts(curve, 1)).toBe(200);
    expect(specPowerWatts(curve, 0.35)).toBeCloseTo(135, 10);
    expect(specPowerWatts([0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 50], 0.95)).toBeCloseTo(30, 10);
    // 1 vCPU × 1000 MHz × 100 % on a 2000 MHz host: U = 0.5 → 150 W for 24 h = 3.6 kWh. A host in maintenance draws nothing.
    const traces = tracesMap(traceOf('full', () => 100));
    const fleet = fleetOf(
      [
        smallHost('h', { power: { specpowerWatts: curve } }),
        smallHost('m', { power: { specpowerWatts: curve }, maintenanceMode: true }),
        smallHost('x'),
      ],
      [{ id: 'a', hostId: 'h', vcpus: 1, workload: { trace: 'full' } }],
    );
    const r = runSimulation(fleet, { traces, trials: 0 });
    expect(r.hosts.h!.energyKWh).toBeCloseTo(3.6, 9);
    expect(r.hosts.m!.energyKWh).toBe(0);
    expect(r.hosts.x!.energyKWh).toBeNull();
    expect(r.fleet.energyKWh).toBeCloseTo(3.6, 6);
    expect(r.fleet.hostsWithoutPowerCurve).toBe(1);
  });

  it('synthesises a profile whose mean is the average and whose peak sits at the peak hour, the same for the same seed', () => {
    const clock = { steps: 288, stepSeconds: 300, startMs: Date.parse('2024-01-01T00:00:00Z') };
    const out = new Float32Array(288);
    fillFromProfile('vm-1', { cpuAvgPct: 30, cpuPeakPct: 80, peakHourUtc: 9 }, 5, clock, out, 0);
    const mean = out.reduce((a, b) => a + b, 0) / 288;
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.015);
    const peakAt = out.indexOf(Math.max(...out));
    expect(Math.abs(peakAt - 9 * 12)).toBeLessThanOrEqual(6);
    expect(Math.max(...out)).toBeCloseTo(0.8, 1);
    const again = new Float32Array(288);
    fillFromProfile('vm-1', { cpuAvgPct: 30, cpuPeakPct: 80, peakHourUtc: 9 }, 5, clock, again, 0);
    expect(again).toEqual(out);
    const other = new Float32Array(288);
    fillFromProfile('vm-1', { cpuAvgPct: 30, cpuPeakPct: 80, peakHourUtc: 9 }, 6, clock, other, 0);
    expect(other).not.toEqual(out);
  });

  it('rejects a trace line that is not a percent, naming file and line', () => {
    expect(() => parseTrace('day/vm7', '12\n40\nabc\n')).toThrow(
      'day/vm7:3: expected a CPU percent between 0 and 100 (not a number)',
    );
    expect(() => parseTrace('day/vm8', '12\n140\n')).toThrow(/day\/vm8:2/);
  });

  it('names the VM and trace when a workload refers to a trace that was not provided', () => {
    const fleet = fleetOf([smallHost('h')], [{ id: 'vm-9', hostId: 'h', workload: { trace: 'missing-file' } }]);
    expect(() => runSimulation(fleet, { trials: 0 })).toThrow(
      /VM vm-9: workload.trace "missing-file" was not provided/,
    );
  });
});
