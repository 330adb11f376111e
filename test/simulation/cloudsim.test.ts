import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cloudSimFirstFit,
  cloudSimPower,
  cloudSimVmTypes,
  CLOUDSIM_HOST_TYPES,
  simulateCloudSim,
} from '../../src/simulation/cloudsim';
import { parseTrace, type Trace } from '../../src/simulation/trace';

const DAY = join(import.meta.dirname, '../fixtures/planetlab/20110303');

function loadDay(dir: string): Trace[] {
  return readdirSync(dir).map((f) => parseTrace(f, readFileSync(join(dir, f), 'utf8'), 288));
}

function trace(name: string, percents: number[]): Trace {
  return { name, samples: Float64Array.from(percents) };
}

describe('CloudSim-compatible accounting', () => {
  it('reproduces CloudSim 4.0 on PlanetLab day 20110303: NPA 2410.80 kWh, DVFS 802.75 kWh, 414 hosts, SLATAH 0', () => {
    const traces = loadDay(DAY);
    expect(traces).toHaveLength(1052);
    const r = simulateCloudSim(traces);
    expect(r.hostsUsed).toBe(414);
    expect(Math.abs(r.npa.energyKWh - 2410.8) / 2410.8).toBeLessThan(0.001);
    expect(Math.abs(r.dvfs.energyKWh - 802.75) / 802.75).toBeLessThan(0.001);
    expect(r.dvfs.slatah).toBe(0);
    // The reference page: dropping zero-request VMs removes 532 of them on this day.
    expect(r.vmsRemoved).toBe(532);
  });

  it('does not depend on the order the trace files are listed in', () => {
    const traces = loadDay(DAY);
    const shuffled = [...traces].reverse();
    expect(simulateCloudSim(shuffled).dvfs.energyKWh).toBe(simulateCloudSim(traces).dvfs.energyKWh);
  });

  // A four-VM, four-sample day small enough to account by hand. Blocks of ceil(4/4) = 1, so VM i has type i:
  // 2500/870, 2000/1740, 1000/1740, 500/613 (MIPS/MB). Hosts: h0 G4 (2×1860), h1 G5 (2×2660), h2 G4, h3 G5.
  // First fit: VM0 (2500) skips h0 (core 1860 < 2500) → h1; VM1 (2000) skips h0 (core) → h1 (free 2820);
  // VM2 (1000) → h0; VM3 (500) → h0. Two hosts used.
  const smallDay = () => [
    trace('a', [50, 50, 50, 50]),
    trace('b', [20, 20, 20, 20]),
    trace('c', [40, 40, 40, 40]),
    trace('d', [60, 0, 0, 80]),
  ];

  it('accounts a hand-computed small day: first fit, zero-request removal, DVFS trapezoids and NPA', () => {
    const r = simulateCloudSim(smallDay(), { hosts: 4 });
    expect(Array.from(r.placement)).toEqual([1, 1, 0, 0]);
    expect(r.hostsUsed).toBe(2);
    // Updates at 300.1, 600.1, 900.1 s. VM d requests 0 at 300.1 (samples 1 and 2 are both 0) and is removed,
    // so it never requests its later 80 %.
    expect(r.vmsRemoved).toBe(1);
    expect(r.lastUpdateSeconds).toBeCloseTo(900.1, 9);
    // h0: c requests 0.40 × 1000 = 400 MIPS → U = 400/3720 = 0.1075269; P = 89.4 + (92.6 − 89.4)·(U − 0.1)·10 = 89.6408602 W.
    // h1: a 1250 + b 400 = 1650 → U = 1650/5320 = 0.3101504; P = 105 + (110 − 105)·(U − 0.3)·10 = 105.5075188 W.
    // Loads are constant, so each interval adds P·300 s; the first (0, 300.1] adds nothing (hosts were at 0).
    // DVFS = 2 intervals × 300 s × (89.6408602 + 105.5075188) W = 117 089.03 J = 0.03252473 kWh.
    expect(r.dvfs.energyKWh).toBeCloseTo(0.03252473, 7);
    // NPA: every host at P(1) for 900.1 s: (2 × 117 + 2 × 135) W × 900.1 s = 453 650.4 J = 0.12601400 kWh.
    expect(r.npa.energyKWh).toBeCloseTo(0.126014, 6);
    expect(r.dvfs.slatah).toBe(0);
  });

  it('accounts floor() shares and SLATAH on an over-consolidated hand-computed placement', () => {
    const traces = [
      trace('a', [100, 100, 10, 10]),
      trace('b', [100, 100, 100, 100]),
      trace('c', [40, 40, 40, 40]),
      trace('d', [60, 0, 0, 80]),
    ];
    const r = simulateCloudSim(traces, { hosts: 4, placement: [0, 0, 0, 0] });
    // At 300.1 s, a requests (1 + (0.1 − 1)/300·0.1)·2500 = 2499.25, b 2000, c 400, d 0: R = 4899.25 > C = 3720.
    // Shares floor(r·3720/4899.25): 1897 + 1518 + 303 = 3718 → U1 = 0.9994624, P(U1) = 114 + 3·(U1 − 0.9)·10 = 116.9838710 W.
    // At 600.1 and 900.1 s: a 250, b 2000, c 400 → 2650 ≤ C, U = 0.7123656, P = 108 + 4·(U − 0.7)·10 = 108.4946237 W.
    // DVFS = (116.9838710 + 108.4946237)/2·300 + 108.4946237·300 = 66 370.16 J = 0.01843616 kWh.
    expect(r.dvfs.energyKWh).toBeCloseTo(0.01843616, 7);
    // Active intervals (300.1, 600.1] and (600.1, 900.1]; only the first starts oversubscribed: 300/600.
    expect(r.dvfs.slatah).toBeCloseTo(0.5, 9);
    expect(r.dvfs.activeHostSeconds).toBeCloseTo(600, 6);
  });

  it('interpolates power exactly on and between the SPECpower points', () => {
    const g4 = CLOUDSIM_HOST_TYPES[0]!.powerWatts;
    expect(cloudSimPower(g4, 0)).toBe(86);
    expect(cloudSimPower(g4, 1)).toBe(117);
    expect(cloudSimPower(g4, 0.25)).toBeCloseTo(92.6 + (96 - 92.6) * 0.5, 10);
  });

  it('assigns VM types in blocks of ceil(N/4), not round-robin', () => {
    const types = cloudSimVmTypes(10).map((t) => t.mips);
    expect(types).toEqual([2500, 2500, 2500, 2000, 2000, 2000, 1000, 1000, 1000, 500]);
  });

  it('refuses a VM no host can take instead of dropping it', () => {
    expect(() => cloudSimFirstFit([{ mips: 5000, ramMb: 100 }], CLOUDSIM_HOST_TYPES)).toThrow(/fits no host/);
  });
});
