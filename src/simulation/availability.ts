/**
 * Availability by Monte Carlo over host and uplink failures.
 *
 * Each trial samples the fleet at an independent random instant of a stationary alternating renewal process:
 * host h is down with probability q = MTTR/(MTBF+MTTR); each of its uplinks is down with the uplink's q, and the
 * host is isolated when all are down. Draws are keyed by (seed, host id, trial), so any subset of hosts (one
 * cluster) sees the same draws as in the whole-fleet run.
 *
 * Cluster figures (can HA restart every VM of the hosts down right now?) are plain frequencies over trials.
 * VM and app downtime use a conditional estimator, because single failures are rare (q ≈ 5·10⁻⁴): for each
 * host h, force h failed, sample the rest, and weight by P(h failed). For an app spread over hosts S,
 * P(app down) = Σ_{h∈S} P(h failed) · E[1{app down} / |failed ∩ S| | h failed], which counts each
 * multi-failure state once. Trials where no other failure touches h's cluster or apps reuse the
 * single-failure outcome computed once.
 *
 * The phases live in availability/: the model built once (host-odds, restart-capacity, replica-groups), one
 * failure set's outcome (failure-evaluator), each host alone (single-failures), the trials (trials,
 * draw-failures), and the figures (downtime, anti-affinity, summaries).
 */
import { antiAffinityViolations } from './availability/anti-affinity';
import { expectedDowntime } from './availability/downtime';
import { FailureEvaluator } from './availability/failure-evaluator';
import { availabilityModel } from './availability/model';
import { scoreSingleFailures } from './availability/single-failures';
import { appSummaries, clusterSummaries, hostSummaries } from './availability/summaries';
import { runTrials } from './availability/trials';
import type { AvailabilityInput, AvailabilityOptions, AvailabilityResult } from './availability/types';

export type {
  AntiAffinityViolation,
  AppAvailability,
  AvailabilityHostMap,
  AvailabilityInput,
  AvailabilityOptions,
  AvailabilityResult,
  ClusterAvailability,
  HostAvailability,
} from './availability/types';

export function runAvailability(input: AvailabilityInput, opts: AvailabilityOptions): AvailabilityResult {
  const trials = Math.max(0, Math.floor(opts.trials));
  const seed = opts.seed >>> 0;
  const model = availabilityModel(input, opts.defaults);
  const evaluator = new FailureEvaluator(model);
  const single = scoreSingleFailures(model, evaluator);
  const tallies = runTrials(model, evaluator, single, trials, seed);
  const downtime = expectedDowntime(model, single, tallies, trials);
  const antiAffinity = antiAffinityViolations(input, model.replicas);
  return {
    trials,
    seed,
    defaults: opts.defaults,
    hosts: hostSummaries(model, single),
    vmDowntimeHoursPerYear: downtime.vm,
    clusters: clusterSummaries(model, tallies.clusterFailures, trials),
    apps: appSummaries(model, downtime, antiAffinity),
    antiAffinity: antiAffinity.violations,
  };
}
