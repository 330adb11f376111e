import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DOWN,
  FAILURE_MODES,
  FailureEvaluator,
  ISOLATED,
  UP,
} from '../../src/simulation/availability/failure-evaluator';
import { availabilityModel, type AvailabilityModel } from '../../src/simulation/availability/model';
import { DEFAULT_AVAILABILITY } from '../../src/simulation/coefficients';
import { inputOf, shapes } from '../support/availability-shapes';

interface FailureSet {
  hosts: number[];
  modes: number[];
}

/** What forcing h on top of `set` adds, computed from scratch: the whole failure set evaluated, every cluster. */
function forcedFromScratch(m: AvailabilityModel, set: FailureSet, h: number) {
  const ev = new FailureEvaluator(m);
  set.hosts.forEach((f, i) => {
    ev.hostMode[f] = set.modes[i]!;
  });
  const failed = set.hosts.includes(h) ? set.hosts : [...set.hosts, h];
  const vm = new Float64Array(m.input.vmIds.length);
  const apps = new Map<number, number>();
  if (m.hostVms[h]!.length === 0 || m.odds.pFail[h] === 0) return { vm, apps };
  for (const mode of FAILURE_MODES) {
    const weight = ev.modeWeight(h, mode);
    if (weight === 0) continue;
    ev.hostMode[h] = mode;
    ev.evaluate(failed);
    for (const v of m.hostVms[h]!) vm[v]! += weight * ev.vmW[v]!;
    for (const a of m.replicas.hostApps[h]!) {
      const share = ev.appShare(a);
      if (share > 0) apps.set(a, (apps.get(a) ?? 0) + weight * share);
    }
    ev.clear(failed);
  }
  return { vm, apps };
}

/** Every app's share with `set` failed, on an evaluator that has seen nothing else. */
function sharesOf(m: AvailabilityModel, set: FailureSet): number[] {
  const ev = new FailureEvaluator(m);
  set.hosts.forEach((f, i) => {
    ev.hostMode[f] = set.modes[i]!;
  });
  ev.evaluate(set.hosts);
  return m.replicas.names.map((_, a) => ev.appShare(a));
}

const scenario = shapes({ hostsPerCluster: 5, vmsPerHost: 5, apps: 4, minVmsPerHost: 1 }).chain((shape) => {
  const H = shape.clusters * shape.hostsPerCluster;
  const host = fc.integer({ min: 0, max: H - 1 });
  return fc.record({
    shape: fc.constant(shape),
    failed: fc.uniqueArray(host, { minLength: 1, maxLength: Math.min(H, 4) }),
    modes: fc.array(fc.constantFrom(DOWN, ISOLATED), { minLength: 4, maxLength: 4 }),
    forced: fc.array(host, { minLength: 1, maxLength: 6 }),
  });
});

describe('FailureEvaluator.forced', () => {
  it('adds what evaluating the whole failure set gives, and leaves the outcome of the others behind', () => {
    fc.assert(
      fc.property(scenario, ({ shape, failed, modes, forced }) => {
        const m = availabilityModel(inputOf(shape), DEFAULT_AVAILABILITY);
        const set = { hosts: failed, modes: modes.slice(0, failed.length) };
        const ev = new FailureEvaluator(m);
        set.hosts.forEach((f, i) => {
          ev.hostMode[f] = set.modes[i]!;
        });
        ev.evaluate(set.hosts);
        // Hosts forced one after another, in and out of the failed clusters, as a trial forces them.
        for (const h of forced) {
          const vm = new Float64Array(m.input.vmIds.length);
          const apps = new Map<number, number>();
          ev.forced(h, set.hosts, vm, apps, 1);
          const expected = forcedFromScratch(m, set, h);
          expect(vm).toEqual(expected.vm);
          expect(apps).toEqual(expected.apps);
          expect(ev.hostMode[h]).toBe(set.hosts.includes(h) ? set.modes[set.hosts.indexOf(h)] : UP);
        }
        expect(m.replicas.names.map((_, a) => ev.appShare(a))).toEqual(sharesOf(m, set));
        ev.clear(set.hosts);
        expect([...ev.vmW].every((w) => w === 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
