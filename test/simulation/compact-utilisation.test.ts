import { describe, expect, it } from 'vitest';
import type { HostView } from '../../src/model/fleet';
import { DEFAULT_COEFFICIENTS } from '../../src/simulation/coefficients';
import { compileFleet } from '../../src/simulation/compile';
import { runPerformance } from '../../src/simulation/performance';
import type { PlacementTimeline } from '../../src/simulation/placement';
import { fillFromProfile, fillFromTrace } from '../../src/simulation/workload';
import { fleetOf, traceOf, tracesMap } from './helpers';

const clock = { steps: 288, stepSeconds: 300, startMs: Date.parse('2026-11-30T00:05:00Z') };

const host = (id: string, extra: Partial<HostView> = {}): HostView => ({
  id,
  cluster: 'c',
  cpu: { sockets: 1, coresPerSocket: 4, mhz: 2000 },
  memoryMiB: 65536,
  nics: [{ id: 'n', speedMbps: 100 }],
  storage: { iopsCapacity: 2000 },
  ...extra,
});

describe('utilisation stored for running steps only', () => {
  it('fills a range of steps with the values the whole window has at those steps, profiles and traces alike', () => {
    const long = { ...clock, steps: 5000 };
    const trace = traceOf('t', (k) => (k * 7) % 100, 97);
    const cases: [string, (out: Float32Array, offset: number, from?: number, to?: number) => void][] = [
      [
        'bump',
        (o, off, f, t) => fillFromProfile('vm-7', { cpuAvgPct: 25, cpuPeakPct: 90 }, 3, long, o, off, undefined, f, t),
      ],
      [
        'flat',
        (o, off, f, t) => fillFromProfile('vm-8', { cpuAvgPct: 40, cpuPeakPct: 40 }, 3, long, o, off, undefined, f, t),
      ],
      ['trace', (o, off, f, t) => fillFromTrace(trace, long, o, off, f, t)],
    ];
    for (const [name, fill] of cases) {
      const whole = new Float32Array(long.steps);
      fill(whole, 0);
      for (const [from, to] of [
        [0, 1],
        [1, 2],
        [4095, 4099],
        [1234, 5000],
        [4999, 5000],
      ] as const) {
        // Written where the compact layout puts them: step `from` at index 0.
        const part = new Float32Array(to - from);
        fill(part, -from, from, to);
        expect([name, from, Array.from(part)]).toEqual([name, from, Array.from(whole.subarray(from, to))]);
      }
    }
  });

  it('gives the kernel the same figures as the VM × step matrix, for VMs that run part of the window', () => {
    const fleet = fleetOf(
      [host('h1'), host('h2'), host('h3', { nics: [{ id: 'n', speedMbps: 10 }] })],
      [
        { id: 'always', hostId: 'h1', vcpus: 2, workload: { cpuAvgPct: 30, cpuPeakPct: 90, netMbps: 40, iops: 900 } },
        { id: 'late', hostId: 'h1', vcpus: 4, workload: { cpuAvgPct: 50, cpuPeakPct: 95, peakHourUtc: 23 } },
        { id: 'moved', hostId: 'h2', vcpus: 2, workload: { trace: 'busy', netMbps: 20 } },
        { id: 'stopped', hostId: 'h3', vcpus: 1, workload: { cpuAvgPct: 20, netMbps: 30 } },
        { id: 'noisy', hostId: 'h3', vcpus: 1, workload: { cpuAvgPct: 60, cpuPeakPct: 60, netMbps: 30 } },
        { id: 'never', hostId: 'h2', vcpus: 8, workload: { cpuAvgPct: 90 } },
      ],
    );
    const placement: PlacementTimeline = new Map([
      [
        'late',
        [
          { fromStep: 0, hostId: null },
          { fromStep: 287, hostId: 'h1' },
        ],
      ],
      [
        'moved',
        [
          { fromStep: 0, hostId: 'h1' },
          { fromStep: 100, hostId: null },
          { fromStep: 150, hostId: 'h2' },
          { fromStep: 200, hostId: 'h3' },
        ],
      ],
      [
        'stopped',
        [
          { fromStep: 0, hostId: 'h3' },
          { fromStep: 30, hostId: null },
        ],
      ],
      ['never', [{ fromStep: 0, hostId: null }]],
    ]);
    const opts = {
      clock,
      seed: 9,
      placement,
      traces: tracesMap(traceOf('busy', (k) => (k % 50 < 25 ? 95 : 5))),
      coefficients: DEFAULT_COEFFICIENTS,
    };
    const compact = compileFleet(fleet, opts);
    const rows = compileFleet(fleet, { ...opts, utilRows: true });
    // always 288, late 1, moved 100 + 50 + 88, stopped 30, noisy 288, never 0.
    expect(compact.util.length).toBe(288 + 1 + 238 + 30 + 288);
    expect(rows.util.length).toBe(6 * 288);
    const a = runPerformance(compact, DEFAULT_COEFFICIENTS);
    const b = runPerformance(rows, DEFAULT_COEFFICIENTS);
    expect(a).toEqual(b);
    // The fleet is busy enough that the NIC fair share and the storage and overload flags take part.
    expect(Math.max(...a.vm.nicShortfall)).toBeGreaterThan(0);
  });
});
