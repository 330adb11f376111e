/**
 * Expected downtime per VM and per app from the conditional estimator: for each host h, P(h failed) times its
 * forced-failure outcome, averaged over the trials, where a trial that left h's cluster (and, for an app, every
 * host sharing it) alone contributes the cached single-failure outcome.
 */
import { HOURS_PER_YEAR } from '../coefficients';
import type { AvailabilityModel } from './model';
import type { SingleFailures } from './single-failures';
import type { TrialTallies } from './trials';

export interface ExpectedDowntime {
  /** Hours per year per VM; NaN for a VM that is not running. */
  vm: Float64Array;
  /** Hours per year per app, indexed like `replicas.names`. */
  app: Float64Array;
}

export function expectedDowntime(
  m: AvailabilityModel,
  single: SingleFailures,
  tallies: TrialTallies,
  trials: number,
): ExpectedDowntime {
  const { pFail } = m.odds;
  const { explicitTrials, appTouched, bothTouched, vmAcc, appAcc } = tallies;
  const T = trials;
  const vm = new Float64Array(m.input.vmIds.length).fill(Number.NaN);
  const app = new Float64Array(m.replicas.names.length);
  for (let h = 0; h < m.input.hostIds.length; h++) {
    const denom = T > 0 ? T : 1;
    const cleanVm = T > 0 ? T - explicitTrials[h]! : 1;
    for (const v of m.hostVms[h]!)
      vm[v] = (HOURS_PER_YEAR * pFail[h]! * (cleanVm * single.cachedVm[v]! + vmAcc[v]!)) / denom;
    for (const a of m.replicas.hostApps[h]!) {
      const explicit = explicitTrials[h]! + appTouched[a]! - (bothTouched[h]!.get(a) ?? 0);
      const clean = T > 0 ? T - explicit : 1;
      app[a]! +=
        (HOURS_PER_YEAR * pFail[h]! * (clean * (single.cachedApp[h]!.get(a) ?? 0) + (appAcc[h]!.get(a) ?? 0))) / denom;
    }
  }
  return { vm, app };
}
