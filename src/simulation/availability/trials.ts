/**
 * The Monte Carlo trials. Per trial, work is bounded by the clusters a failure happens in: their hosts are
 * re-evaluated in full (restart capacity is per cluster). A host elsewhere that shares an app with a failed host
 * keeps its single-failure VM outcome, and only the shared app can differ; that app is looked at only when one
 * of its role groups could be entirely down (all its replicas on failed hosts plus one more host), which a replica
 * group spread over many hosts never is. So fleet-wide apps (DNS, monitoring, AD) cost per trial what their
 * replicas on failed hosts cost, not what every host holding them costs.
 */
import { FailureDraws } from './draw-failures';
import { FAILURE_MODES, type FailureEvaluator, ISOLATED, UP } from './failure-evaluator';
import type { AvailabilityModel } from './model';
import type { SingleFailures } from './single-failures';

export interface TrialTallies {
  /** Per host, trials in which its cluster had a failure (its outcome then is in vmAcc/appAcc, not the cache). */
  explicitTrials: Int32Array;
  /** Per cluster, trials in which some VM of a down host could not restart. */
  clusterFailures: Int32Array;
  /** Per app, trials in which a failure outside a host's own cluster touched it. */
  appTouched: Int32Array;
  /** Per host and app, those touched trials in which the host's cluster failed too (not to count them twice). */
  bothTouched: Map<number, number>[];
  vmAcc: Float64Array;
  appAcc: Map<number, number>[];
}

export function runTrials(
  m: AvailabilityModel,
  ev: FailureEvaluator,
  single: SingleFailures,
  trials: number,
  seed: number,
): TrialTallies {
  const run = new TrialRun(m, ev, single);
  for (let trial = 0; trial < trials; trial++) run.trial(seed, trial);
  return run.tallies;
}

class TrialRun {
  readonly tallies: TrialTallies;
  private readonly failed: number[] = [];
  /** Per cluster, `trial` once its failure is counted, −2−trial once its hosts are re-evaluated. */
  private readonly clusterHit: Int32Array;
  private readonly appTouchedMark: Int32Array;
  /** Per VM, its role group (numbered across all apps), −1 when it has none. */
  private readonly vmGroup: Int32Array;
  /** Per app, its role groups' numbers, parallel to `replicas.roles`. */
  private readonly appGroups: number[][];
  /** Per group, its size and `maxOnOneHost`. */
  private readonly groupSize: Int32Array;
  private readonly groupMax: Int32Array;
  /** Per group, its replicas on the failed hosts of the trial being scored (zero outside that). */
  private readonly onFailed: Int32Array;
  private readonly groupsOnFailed: number[] = [];
  private draws: FailureDraws | undefined;

  constructor(
    private readonly m: AvailabilityModel,
    private readonly ev: FailureEvaluator,
    private readonly single: SingleFailures,
  ) {
    const H = m.input.hostIds.length;
    const C = m.input.clusterIds.length;
    const A = m.replicas.names.length;
    this.tallies = {
      explicitTrials: new Int32Array(H),
      clusterFailures: new Int32Array(C),
      appTouched: new Int32Array(A),
      bothTouched: Array.from({ length: H }, () => new Map()),
      vmAcc: new Float64Array(m.input.vmIds.length),
      appAcc: Array.from({ length: H }, () => new Map()),
    };
    this.clusterHit = new Int32Array(C).fill(-1);
    this.appTouchedMark = new Int32Array(A).fill(-1);
    this.vmGroup = new Int32Array(m.input.vmIds.length).fill(-1);
    const sizes: number[] = [];
    const most: number[] = [];
    this.appGroups = m.replicas.roles.map((groups) =>
      groups.map((group) => {
        const g = sizes.length;
        sizes.push(group.length);
        most.push(m.replicas.maxOnOneHost.get(group)!);
        for (const v of group) this.vmGroup[v] = g;
        return g;
      }),
    );
    this.groupSize = Int32Array.from(sizes);
    this.groupMax = Int32Array.from(most);
    this.onFailed = new Int32Array(sizes.length);
  }

  trial(seed: number, trial: number): void {
    const { m, ev, failed, clusterHit, tallies } = this;
    if (this.draws?.seed !== seed) this.draws = new FailureDraws(m, seed);
    this.draws.draw(ev, trial, failed);
    if (failed.length === 0) return;

    ev.evaluate(failed);
    for (const h of failed) {
      const c = m.input.hostCluster[h]!;
      if (clusterHit[c] !== trial && ev.failedCluster[c]) tallies.clusterFailures[c]!++;
      clusterHit[c] = trial;
    }
    // vmW holds this failure set's outcome until the end of the trial: the app-only hosts are scored against it,
    // and forced() re-evaluates only the forced host's cluster on top of it.
    this.scoreAppsSharedWithFailures(trial);

    for (const f of failed) {
      const c = m.input.hostCluster[f]!;
      if (clusterHit[c] === -2 - trial) continue;
      clusterHit[c] = -2 - trial;
      for (const h of m.pools.clusterHosts[c]!) {
        if (m.hostVms[h]!.length === 0) continue;
        tallies.explicitTrials[h]!++;
        ev.forced(h, failed, tallies.vmAcc, tallies.appAcc[h]!, 1);
        for (const a of m.replicas.hostApps[h]!)
          if (this.appTouchedMark[a] === trial)
            tallies.bothTouched[h]!.set(a, (tallies.bothTouched[h]!.get(a) ?? 0) + 1);
      }
    }
    ev.clear(failed);
    for (const h of failed) ev.hostMode[h] = UP;
  }

  /**
   * For each app held by a failed host: count the trial as touched, and score the hosts outside the failed
   * clusters that hold it, but only if one of its role groups could be down with one more host failed.
   */
  private scoreAppsSharedWithFailures(trial: number): void {
    const { m, appTouchedMark } = this;
    const touched: number[] = [];
    for (const f of this.failed) {
      for (const a of m.replicas.hostApps[f]!) {
        if (appTouchedMark[a] !== trial) {
          appTouchedMark[a] = trial;
          this.tallies.appTouched[a]!++;
          touched.push(a);
        }
      }
    }
    // Replicas on failed hosts, counted from those hosts' VMs: a fleet-wide group has hundreds of replicas, and
    // walking each touched group's whole list every trial was most of the trials' time at 100k VMs.
    const { vmGroup, onFailed, groupsOnFailed, groupSize, groupMax } = this;
    for (const f of this.failed)
      for (const v of m.hostVms[f]!) {
        const g = vmGroup[v]!;
        if (g < 0) continue;
        if (onFailed[g] === 0) groupsOnFailed.push(g);
        onFailed[g]!++;
      }
    for (const a of touched) {
      let couldBeDown = false;
      for (const g of this.appGroups[a]!) if (onFailed[g]! + groupMax[g]! >= groupSize[g]!) couldBeDown = true;
      if (!couldBeDown) continue;
      for (const h of m.replicas.hostList[a]!) {
        if (this.clusterHit[m.input.hostCluster[h]!] === trial || m.hostVms[h]!.length === 0 || m.odds.pFail[h] === 0)
          continue;
        this.scoreAppOnly(h, a);
      }
    }
    for (const g of groupsOnFailed) onFailed[g] = 0;
    groupsOnFailed.length = 0;
  }

  /** What forced(h, failed) adds for app `a` when h's cluster has no other failure: its VMs' single-failure outcome. */
  private scoreAppOnly(h: number, a: number): void {
    const { m, ev } = this;
    const appAcc = this.tallies.appAcc[h]!;
    for (const mode of FAILURE_MODES) {
      const weight = ev.modeWeight(h, mode);
      if (weight === 0) continue;
      ev.hostMode[h] = mode;
      for (const v of m.hostVms[h]!) ev.vmW[v] = mode === ISOLATED ? 1 : this.single.downW[v]!;
      const share = ev.appShare(a);
      if (share > 0) appAcc.set(a, (appAcc.get(a) ?? 0) + weight * share);
    }
    for (const v of m.hostVms[h]!) ev.vmW[v] = 0;
    ev.hostMode[h] = UP;
  }
}
