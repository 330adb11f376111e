import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConsolidationPolicy } from '../../src/simulation/consolidation/policies';
import { runConsolidation } from '../../src/simulation/consolidation/run-consolidation';
import { parseTrace } from '../../src/simulation/trace';

// PlanetLab day 20110303 as CloudSim 4.0 ships it (copied from Cloudslab/cloudsim, see docs/simulation.md). A day takes a few seconds
// of CPU per policy; the timeout leaves room for a loaded 2-core machine.
const DAY = join(import.meta.dirname, '../fixtures/planetlab/20110303');
const traces = readdirSync(DAY).map((f) => parseTrace(f, readFileSync(join(DAY, f), 'utf8'), 288));
const TIMEOUT = 300_000;

// CloudSim 4.0's printout for the day with files in byte order (reference page; issue 18). Its ESV (energy ×
// SLATAH × PDM) is not printed as such; the values below are those of this reproduction, which matches the
// printed energy, migrations and SLATAH to their last digit.
const CLOUDSIM: Record<string, { energyKWh: number; migrations: number; slatahPct: number; esv: number }> = {
  'thr-mmt': { energyKWh: 192.62, migrations: 26_711, slatahPct: 4.91, esv: 6.117e-3 },
  'iqr-mmt': { energyKWh: 189.98, migrations: 26_282, slatahPct: 4.82, esv: 5.713e-3 },
  'mad-mmt': { energyKWh: 185.79, migrations: 26_556, slatahPct: 5.05, esv: 6.208e-3 },
  'lr-mmt': { energyKWh: 163.48, migrations: 27_859, slatahPct: 5.86, esv: 7.592e-3 },
};

describe('CloudSim 4.0 PlanetLab dynamic consolidation, day 20110303', () => {
  for (const [policy, ref] of Object.entries(CLOUDSIM)) {
    it(
      `${policy}: ${ref.energyKWh} kWh, ${ref.migrations} migrations, SLATAH ${ref.slatahPct} % as CloudSim prints`,
      () => {
        const r = runConsolidation(traces, policy as ConsolidationPolicy);
        expect(Math.abs(r.energyKWh - ref.energyKWh) / ref.energyKWh).toBeLessThan(0.001);
        expect(Math.abs(r.migrations - ref.migrations) / ref.migrations).toBeLessThan(0.001);
        expect((r.slatah * 100).toFixed(2)).toBe(ref.slatahPct.toFixed(2));
        expect(r.esv / ref.esv).toBeCloseTo(1, 3);
        expect(r.vmsRemoved).toBe(532);
        expect(r.cloudsimReference?.migrations).toBe(ref.migrations);
        // CloudSim knows nothing of perimeters: it mixes PlanetLab slices on hosts all day.
        expect(r.mixedPerimeterHostSteps).toBeGreaterThan(1000);
      },
      TIMEOUT,
    );
  }

  it(
    'secure: never mixes perimeters, and its ESV and energy beat ThrMmt, IqrMmt and MadMmt with a tenth of the moves',
    () => {
      const r = runConsolidation(traces, 'secure');
      expect(r.perimeters).toBe(55);
      expect(r.mixedPerimeterHostSteps).toBe(0);
      for (const ref of Object.values(CLOUDSIM)) expect(r.esv).toBeLessThan(ref.esv / 100);
      expect(r.energyKWh).toBeLessThan(CLOUDSIM['mad-mmt']!.energyKWh);
      expect(r.migrations).toBeLessThan(CLOUDSIM['iqr-mmt']!.migrations / 10);
      expect(r.slatah).toBeLessThan(0.005);
    },
    TIMEOUT,
  );
});
