import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAvailability, type AvailabilityInput, type AvailabilityResult } from '../../src/simulation/availability';
import { DEFAULT_AVAILABILITY } from '../../src/simulation/coefficients';
import { runAvailabilityReference } from '../support/availability-reference';

interface Shape {
  clusters: number;
  hostsPerCluster: number;
  vmsPerHost: number;
  apps: number;
  /** true: every app spreads over the whole fleet; false: apps stay inside one cluster. */
  fleetWideApps: boolean;
  unknownSpare: boolean;
  seed: number;
}

/** A fleet as the simulation hands it to the estimator, with failure rates high enough for multi-failure trials. */
function inputOf(s: Shape): AvailabilityInput {
  const H = s.clusters * s.hostsPerCluster;
  const V = H * s.vmsPerHost;
  const hostCluster = Int32Array.from({ length: H }, (_, h) => Math.floor(h / s.hostsPerCluster));
  const vmHost = Int32Array.from({ length: V }, (_, v) => (v % 17 === 5 ? -1 : Math.floor(v / s.vmsPerHost)));
  const vmApp = Array.from({ length: V }, (_, v) => {
    if (v % 7 === 0) return undefined;
    const app = s.fleetWideApps ? v % s.apps : hostCluster[Math.floor(v / s.vmsPerHost)]! * s.apps + (v % s.apps);
    return `app-${app}`;
  });
  return {
    hostIds: Array.from({ length: H }, (_, h) => `h${h}`),
    clusterIds: Array.from({ length: s.clusters }, (_, c) => `c${c}`),
    hostCluster,
    inService: Uint8Array.from({ length: H }, (_, h) => (h % 11 === 3 ? 0 : 1)),
    mtbfHours: Float64Array.from({ length: H }, (_, h) => 40 + (h % 5) * 10),
    mttrHours: Float64Array.from({ length: H }, (_, h) => 4 + (h % 3)),
    uplinks: Int32Array.from({ length: H }, (_, h) => h % 4),
    spareCpu: Float64Array.from({ length: H }, (_, h) =>
      s.unknownSpare && h % 6 === 0 ? Number.POSITIVE_INFINITY : 4000 + ((h * 37) % 9000),
    ),
    spareMem: Float64Array.from({ length: H }, (_, h) =>
      s.unknownSpare && h % 9 === 0 ? Number.POSITIVE_INFINITY : 8000 + ((h * 53) % 30000),
    ),
    vmIds: Array.from({ length: V }, (_, v) => `v${v}`),
    vmHost,
    vmCpu: Float64Array.from({ length: V }, (_, v) => 500 + ((v * 97) % 3000)),
    vmMem: Float64Array.from({ length: V }, (_, v) => 1024 + ((v * 131) % 8192)),
    vmApp,
    vmRole: Array.from({ length: V }, (_, v) => (v % 3 === 0 ? 'db' : v % 3 === 1 ? 'web' : undefined)),
  };
}

function expectSameResult(actual: AvailabilityResult, expected: AvailabilityResult): void {
  expect(actual.clusters).toEqual(expected.clusters);
  expect(actual.hosts).toEqual(expected.hosts);
  expect(actual.antiAffinity).toEqual(expected.antiAffinity);
  expect(actual.vmDowntimeHoursPerYear.length).toBe(expected.vmDowntimeHoursPerYear.length);
  expected.vmDowntimeHoursPerYear.forEach((x, i) => {
    if (Number.isNaN(x)) expect(actual.vmDowntimeHoursPerYear[i]).toBeNaN();
    else expect(actual.vmDowntimeHoursPerYear[i]).toBeCloseTo(x, 9);
  });
  expect(Object.keys(actual.apps)).toEqual(Object.keys(expected.apps));
  for (const [app, e] of Object.entries(expected.apps)) {
    const a = actual.apps[app]!;
    expect({ ...a, expectedDowntimeHoursPerYear: 0 }).toEqual({ ...e, expectedDowntimeHoursPerYear: 0 });
    // Same estimator, summed in another order: equal to rounding.
    expect(Math.abs(a.expectedDowntimeHoursPerYear - e.expectedDowntimeHoursPerYear)).toBeLessThanOrEqual(
      1e-9 * Math.max(1, e.expectedDowntimeHoursPerYear),
    );
  }
}

describe('availability Monte Carlo with work bounded by the failing cluster', () => {
  it('gives the figures of the full re-evaluation for fleet-wide apps', () => {
    const input = inputOf({
      clusters: 4,
      hostsPerCluster: 6,
      vmsPerHost: 5,
      apps: 3,
      fleetWideApps: true,
      unknownSpare: false,
      seed: 1,
    });
    const opts = { trials: 3000, seed: 9, defaults: DEFAULT_AVAILABILITY };
    expectSameResult(runAvailability(input, opts), runAvailabilityReference(input, opts));
  });

  it('gives the figures of the full re-evaluation for random fleets, app layouts and seeds', () => {
    fc.assert(
      fc.property(
        fc.record({
          clusters: fc.integer({ min: 1, max: 4 }),
          hostsPerCluster: fc.integer({ min: 1, max: 6 }),
          vmsPerHost: fc.integer({ min: 0, max: 6 }),
          apps: fc.integer({ min: 1, max: 5 }),
          fleetWideApps: fc.boolean(),
          unknownSpare: fc.boolean(),
          seed: fc.nat(),
        }),
        (shape) => {
          const input = inputOf(shape);
          const opts = { trials: 400, seed: shape.seed, defaults: DEFAULT_AVAILABILITY };
          expectSameResult(runAvailability(input, opts), runAvailabilityReference(input, opts));
        },
      ),
      { numRuns: 60 },
    );
  });
});
