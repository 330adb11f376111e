import { describe, expect, it } from 'vitest';
import {
  countNonZeroBeginning,
  iqr,
  loessEstimates,
  mad,
  median,
  robustLoessEstimates,
} from '../../src/simulation/consolidation/cloudsim-math';
import { mappedPerimeters, PerimeterMapError, slicePerimeters } from '../../src/simulation/consolidation/perimeters';
import { runConsolidation } from '../../src/simulation/consolidation/run-consolidation';
import type { Trace } from '../../src/simulation/trace';

const trace = (name: string, percents: number[]): Trace => ({ name, samples: Float64Array.from(percents) });

describe('CloudSim MathUtil statistics', () => {
  const ten = [7, 1, 10, 3, 9, 2, 8, 4, 6, 5];

  it('takes the median as commons-math does (mean of the middle two for an even count)', () => {
    expect(median(ten)).toBe(5.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4])).toBe(4);
  });

  it('takes the IQR at sorted positions round(0.25(n+1)) and round(0.75(n+1)), not interpolated quartiles', () => {
    // n = 10: positions round(2.75) − 1 = 2 and round(8.25) − 1 = 7 → 8 − 3.
    expect(iqr(ten)).toBe(5);
  });

  it('takes the MAD as the median of absolute deviations from the median', () => {
    // |5.5 − x| for 1..10 = 4.5, 3.5, 2.5, 1.5, 0.5, 0.5, 1.5, 2.5, 3.5, 4.5 → median 2.5.
    expect(mad(ten)).toBe(2.5);
  });

  it('keeps countNonZeroBeginning’s off-by-one: an all-zero history still counts one value', () => {
    expect(countNonZeroBeginning([1, 0, 2, 0, 0])).toBe(3);
    expect(countNonZeroBeginning([0, 0, 0])).toBe(1);
  });

  it('fits the local regression unweighted (CloudSim’s inverse tricube weights are never applied)', () => {
    const line = Array.from({ length: 10 }, (_, i) => 0.05 * (i + 1) + 0.1);
    const [intercept, slope] = loessEstimates(line)!;
    expect(intercept).toBeCloseTo(0.1, 12);
    expect(slope).toBeCloseTo(0.05, 12);
    // The robust pass therefore lands on the same line, which is why LrrMmt repeats LrMmt's figures.
    const noisy = [0.2, 0.25, 0.22, 0.4, 0.3, 0.35, 0.5, 0.42, 0.6, 0.55];
    expect(robustLoessEstimates(noisy)).toEqual(loessEstimates(noisy));
  });
});

describe('perimeters of a PlanetLab day', () => {
  it('defaults to the slice, the last part of the trace name', () => {
    const p = slicePerimeters(['node1_uw_oneswarm', 'node2_princeton_codeen', 'node3_uw_oneswarm']);
    expect(Array.from(p)).toEqual([0, 1, 0]);
  });

  it('takes an explicit map and names the first trace it leaves out', () => {
    expect(Array.from(mappedPerimeters(['a', 'b'], { a: 'pci', b: 'dmz' }))).toEqual([0, 1]);
    expect(() => mappedPerimeters(['a', 'b', 'c'], { a: 'pci' })).toThrow(PerimeterMapError);
    expect(() => mappedPerimeters(['a', 'b', 'c'], { a: 'pci' })).toThrow(/2 trace\(s\).*"b"/);
  });
});

describe('dynamic consolidation, a hand-checked small day (ThrMmt, 4 hosts)', () => {
  // Two VMs: blocks of ceil(2/4) = 1, so VM a is 2500 MIPS / 870 MB and VM b 2000 MIPS / 1740 MB. Hosts: h0 G4
  // (2×1860), h1 G5 (2×2660), h2 G4, h3 G5. Neither fits a 1860-MIPS core. CloudSim prices a host at its power
  // after the VM minus its power at the last update (0 % before the first one), so b looks cheaper on empty h3
  // than beside a on h1: the initial placement spreads.
  const day = () => [trace('a', [30, 30, 30, 30]), trace('b', [30, 30, 30, 30])];

  it('empties the least-loaded host into the other once, and the move takes RAM / 62.5 s', () => {
    const r = runConsolidation(day(), 'thr-mmt', { hosts: 4 });
    // 300.1 s: h1 holds a at 750/5320 = 0.141, h3 holds b at 600/5320 = 0.113. h3 is the least loaded: b joins
    // h1 (0.254 ≤ 0.8). Later rounds find no target: every other host is switched off.
    expect(r.migrations).toBe(1);
    expect(r.vmsRemoved).toBe(0);
    expect(r.lastEventSeconds).toBeCloseTo(900.1, 9);
    // b takes 1740 / (1,000,000 / 16,000) = 27.84 s. h1 counts as under-allocated meanwhile (10 % of b's 600
    // MIPS allocated, all of it requested); h3 is active until b has left: 27.84 s of 600 + 27.84 active.
    expect(r.slatah).toBeCloseTo(27.84 / 627.84, 9);
    // b runs at 90 % while it leaves: 60 MIPS × 27.84 s lost over (750 + 600) MIPS × 600 s requested.
    expect(r.pdm).toBeCloseTo((60 * 27.84) / (1350 * 600), 9);
    expect(r.esv).toBeCloseTo(r.energyKWh * r.slatah * r.pdm, 15);
  });

  it('never puts two perimeters on one host under the secure policy, where CloudSim’s policy does', () => {
    // Four small VMs of two slices; CloudSim packs by power alone.
    const mixed = [
      trace('n1_s_red', [30, 30, 30, 30]),
      trace('n2_s_blue', [30, 30, 30, 30]),
      trace('n3_s_red', [30, 30, 30, 30]),
      trace('n4_s_blue', [30, 30, 30, 30]),
    ];
    const cloudsim = runConsolidation(mixed, 'thr-mmt', { hosts: 8 });
    const secure = runConsolidation(mixed, 'secure', { hosts: 8 });
    expect(cloudsim.perimeters).toBe(2);
    expect(cloudsim.mixedPerimeterHostSteps).toBeGreaterThan(0);
    expect(secure.mixedPerimeterHostSteps).toBe(0);
  });

  it('does not depend on the order the traces are given in', () => {
    const a = runConsolidation(day(), 'iqr-mmt', { hosts: 4 });
    const b = runConsolidation(day().reverse(), 'iqr-mmt', { hosts: 4 });
    expect(b).toEqual(a);
  });
});
