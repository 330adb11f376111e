import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runAvailability, type AvailabilityResult } from '../../src/simulation/availability';
import { DEFAULT_AVAILABILITY } from '../../src/simulation/coefficients';
import { runAvailabilityReference } from '../support/availability-reference';
import { inputOf, shapes } from '../support/availability-shapes';

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
      fc.property(shapes({ hostsPerCluster: 6, vmsPerHost: 6, apps: 5, minVmsPerHost: 0 }), (shape) => {
        const input = inputOf(shape);
        const opts = { trials: 400, seed: shape.seed, defaults: DEFAULT_AVAILABILITY };
        expectSameResult(runAvailability(input, opts), runAvailabilityReference(input, opts));
      }),
      { numRuns: 60 },
    );
  });
});
