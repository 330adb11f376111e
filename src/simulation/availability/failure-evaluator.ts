/**
 * The outcome of one failure set: which VMs HA restarts (cluster by cluster, largest memory first, into the
 * spare the surviving hosts offer), how long each VM is down for, and how much of an app that leaves down.
 * Holds scratch arrays reused across the millions of failure sets a run evaluates.
 */
import type { AvailabilityModel } from './model';

export const UP = 0;
export const DOWN = 1;
export const ISOLATED = 2;
/** The ways a failed host can be failed, in the order their outcomes are added up. */
export const FAILURE_MODES = [DOWN, ISOLATED] as const;

export class FailureEvaluator {
  /** Per host, UP, DOWN or ISOLATED in the failure set being looked at. */
  readonly hostMode: Uint8Array;
  /** Per VM, the share of the outage it is down for (1 when not restarted or isolated; 0 when its host is up). */
  readonly vmW: Float64Array;
  /** Per cluster, 1 when the last `evaluate` could not restart some VM of a down host there. */
  readonly failedCluster: Uint8Array;
  private readonly clusterMark: Int32Array;
  private generation = 0;
  /** The cluster whose failed hosts forced() left with its own outcome, not that of its `others` (−1: none). */
  private stale = -1;
  private staleOthers: readonly number[] = [];
  /** Scratch for forced(): its failure set. */
  private readonly withForced: number[] = [];

  constructor(private readonly m: AvailabilityModel) {
    const C = m.input.clusterIds.length;
    this.hostMode = new Uint8Array(m.input.hostIds.length);
    this.vmW = new Float64Array(m.input.vmIds.length);
    this.failedCluster = new Uint8Array(C);
    this.clusterMark = new Int32Array(C);
  }

  /** Restarts the VMs of the failed hosts cluster by cluster; sets vmW and failedCluster. */
  evaluate(failed: readonly number[]): void {
    const { hostCluster } = this.m.input;
    const { clusterMark } = this;
    this.settle();
    this.generation++;
    for (const h of failed) {
      const c = hostCluster[h]!;
      if (clusterMark[c] === this.generation) continue;
      clusterMark[c] = this.generation;
      this.evaluateCluster(c, failed);
    }
  }

  /**
   * Cluster c's part of evaluate(failed): restart capacity is per cluster, so its outcome (vmW of its failed hosts'
   * VMs, failedCluster[c]) depends on its own failed hosts alone, taken in `failed`'s order.
   */
  private evaluateCluster(c: number, failed: readonly number[]): void {
    const { input, hostVms, pools, odds } = this.m;
    const { hostMode, vmW, failedCluster } = this;
    failedCluster[c] = 0;
    let cpu = pools.cpu[c]!;
    let mem = pools.mem[c]!;
    let infCpu = pools.unknownCpu[c]!;
    let infMem = pools.unknownMem[c]!;
    for (const h of failed) {
      if (input.hostCluster[h] !== c || !input.inService[h]) continue;
      if (Number.isFinite(input.spareCpu[h]!)) cpu -= input.spareCpu[h]!;
      else infCpu--;
      if (Number.isFinite(input.spareMem[h]!)) mem -= input.spareMem[h]!;
      else infMem--;
    }
    for (const h of failed) {
      if (input.hostCluster[h] !== c) continue;
      const vms = hostVms[h]!;
      if (hostMode[h] === ISOLATED) {
        // Isolated VMs keep running unreachable: no restart, down for the whole outage.
        for (const v of vms) vmW[v] = 1;
        continue;
      }
      for (const v of vms) {
        const fitsCpu = infCpu > 0 || input.vmCpu[v]! <= cpu + 1e-9;
        const fitsMem = infMem > 0 || input.vmMem[v]! <= mem + 1e-9;
        if (fitsCpu && fitsMem) {
          cpu -= input.vmCpu[v]!;
          mem -= input.vmMem[v]!;
          vmW[v] = odds.restartFrac[h]!;
        } else {
          vmW[v] = 1;
          failedCluster[c] = 1;
        }
      }
    }
  }

  /** Zeroes vmW for the failed hosts' VMs: what forced() left of its last cluster goes too. */
  clear(failed: readonly number[]): void {
    this.stale = -1;
    for (const h of failed) for (const v of this.m.hostVms[h]!) this.vmW[v] = 0;
  }

  /** Down weight of app a under the current vmW, shared among the failed hosts holding it. */
  appShare(a: number): number {
    this.settle();
    return this.shareOf(a);
  }

  /** appShare without settling first: forced() has settled every cluster but its own, which it has just evaluated. */
  private shareOf(a: number): number {
    const { replicas } = this.m;
    const { vmW, hostMode } = this;
    let worst = 0;
    for (const group of replicas.roles[a]!) {
      let least = 1;
      for (const v of group) {
        if (vmW[v]! < least) least = vmW[v]!;
        // A running replica keeps the role up: most calls stop at the first VM.
        if (least === 0) break;
      }
      if (least > worst) worst = least;
    }
    if (worst === 0) return 0;
    let failedHolding = 0;
    for (const h of replicas.hostList[a]!) if (hostMode[h] !== UP) failedHolding++;
    return worst / failedHolding;
  }

  /**
   * The weight, given that host h failed, of one of the two ways it counts as failed (FAILURE_MODES): down, or
   * isolated. A number per call, not a list of pairs: forced() runs about a million times at 100k VMs.
   */
  modeWeight(h: number, mode: number): number {
    const { q, qIso, pFail } = this.m.odds;
    return mode === DOWN ? q[h]! / pFail[h]! : ((1 - q[h]!) * qIso[h]!) / pFail[h]!;
  }

  /**
   * Adds to vmOut and appOut (scaled) the expected outcome of forcing h failed on top of `others`: down
   * (weight q/pFail) or isolated. vmW must hold the outcome of `others` (evaluate(others); all zero when there are
   * none), and holds it again on return: only h's cluster is re-evaluated, since no other cluster's restarts change,
   * while apps spread over clusters still read the other clusters' down VMs.
   */
  forced(h: number, others: readonly number[], vmOut: Float64Array, appOut: Map<number, number>, scale: number): void {
    const { hostVms, replicas, odds, input } = this.m;
    const vms = hostVms[h]!;
    if (vms.length === 0 || odds.pFail[h] === 0) return;
    const c = input.hostCluster[h]!;
    if (this.stale !== c || this.staleOthers !== others) this.settle();
    let failed = others;
    const added = !others.includes(h);
    if (added) {
      // `others` then h, in a reused list rather than a fresh copy per call.
      failed = this.withForced;
      this.withForced.length = 0;
      for (const f of others) this.withForced.push(f);
      this.withForced.push(h);
    }
    const saved = this.hostMode[h]!;
    for (const mode of FAILURE_MODES) {
      const weight = this.modeWeight(h, mode);
      if (weight === 0) continue;
      this.hostMode[h] = mode;
      // Every VM of the cluster's failed hosts is written, so the mode before leaves nothing behind.
      this.evaluateCluster(c, failed);
      for (const v of vms) vmOut[v]! += scale * weight * this.vmW[v]!;
      for (const a of replicas.hostApps[h]!) {
        const share = this.shareOf(a);
        if (share > 0) appOut.set(a, (appOut.get(a) ?? 0) + scale * weight * share);
      }
    }
    this.hostMode[h] = saved;
    if (added) for (const v of vms) this.vmW[v] = 0;
    // The cluster's other failed hosts are put back lazily: the next call usually forces a host of the same cluster
    // and writes them all again.
    if (others.some((f) => input.hostCluster[f] === c)) {
      this.stale = c;
      this.staleOthers = others;
    }
  }

  /** Puts back the outcome of `others` in the cluster forced() left for the next call to overwrite. */
  private settle(): void {
    if (this.stale < 0) return;
    this.evaluateCluster(this.stale, this.staleOthers);
    this.stale = -1;
  }
}
