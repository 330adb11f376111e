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
 */
import { toleratedHostFailures } from '../model/failover-capacity';
import { getOrCreate } from '../model/get-or-create';
import type { AvailabilityDefaults } from './coefficients';
import { HOURS_PER_YEAR } from './coefficients';
import { hashString, uniformAt } from './random';

export interface AvailabilityInput {
  hostIds: readonly string[];
  clusterIds: readonly string[];
  hostCluster: Int32Array;
  inService: Uint8Array;
  mtbfHours: Float64Array;
  mttrHours: Float64Array;
  uplinks: Int32Array;
  /** Spare CPU (MHz) and memory (MiB) a host offers to restarts; +Infinity when its inventory lacks the figure. */
  spareCpu: Float64Array;
  spareMem: Float64Array;
  /** Current host of each VM (−1 if not running), and what it needs to restart. */
  vmIds: readonly string[];
  vmHost: Int32Array;
  vmCpu: Float64Array;
  vmMem: Float64Array;
  vmApp: readonly (string | undefined)[];
  vmRole: readonly (string | undefined)[];
}

export interface AvailabilityOptions {
  trials: number;
  seed: number;
  defaults: AvailabilityDefaults;
}

export interface HostAvailability {
  /** Probability the host is down (hardware) at a random instant. */
  unavailability: number;
  /** Probability all its uplinks are down at once (0 without uplink inventory). */
  isolation: number;
  failuresPerYear: number;
  blastRadius: { vms: number; apps: number; appsLost: string[] };
  /** Whether the rest of its cluster can restart all its VMs when it alone fails. */
  singleFailureRestartable: boolean;
}

export interface ClusterAvailability {
  hosts: number;
  vms: number;
  /** Largest number of its busiest hosts whose VMs the remaining hosts can absorb. */
  haToleratedFailures: number;
  /** Share of trials in which some VM of a down host could not be restarted. */
  pCannotRestart: number;
  pCannotRestartStdErr: number;
  trialsCannotRestart: number;
}

export interface AntiAffinityViolation {
  app: string;
  role: string;
  hostId: string;
  vms: string[];
}

export interface AppAvailability {
  vms: number;
  hosts: number;
  expectedDowntimeHoursPerYear: number;
  antiAffinityViolations: number;
}

export interface AvailabilityResult {
  trials: number;
  seed: number;
  defaults: AvailabilityDefaults;
  hosts: AvailabilityHostMap;
  vmDowntimeHoursPerYear: Float64Array;
  clusters: Record<string, ClusterAvailability>;
  apps: Record<string, AppAvailability>;
  antiAffinity: AntiAffinityViolation[];
}
export type AvailabilityHostMap = (HostAvailability | undefined)[];

const DOWN = 1;
const ISOLATED = 2;

export function runAvailability(input: AvailabilityInput, opts: AvailabilityOptions): AvailabilityResult {
  const H = input.hostIds.length;
  const V = input.vmIds.length;
  const C = input.clusterIds.length;
  const T = Math.max(0, Math.floor(opts.trials));
  const seed = opts.seed >>> 0;
  const d = opts.defaults;

  const q = new Float64Array(H);
  const qIso = new Float64Array(H);
  const pFail = new Float64Array(H);
  const restartFrac = new Float64Array(H);
  const qUplink = d.uplinkMttrHours / (d.uplinkMtbfHours + d.uplinkMttrHours);
  const hostKey = new Uint32Array(H);
  for (let h = 0; h < H; h++) {
    q[h] = input.mttrHours[h]! / (input.mtbfHours[h]! + input.mttrHours[h]!);
    qIso[h] = input.uplinks[h]! > 0 ? qUplink ** input.uplinks[h]! : 0;
    pFail[h] = q[h]! + (1 - q[h]!) * qIso[h]!;
    restartFrac[h] = Math.min(1, d.restartHours / input.mttrHours[h]!);
    hostKey[h] = hashString(input.hostIds[h]!);
  }

  // VMs per host, largest memory first: the order HA restarts them in.
  const hostVms: number[][] = Array.from({ length: H }, () => []);
  for (let v = 0; v < V; v++) if (input.vmHost[v]! >= 0) hostVms[input.vmHost[v]!]!.push(v);
  for (const list of hostVms) list.sort((a, b) => input.vmMem[b]! - input.vmMem[a]! || a - b);

  // Restart pools per cluster: finite spare sums plus a count of hosts with unknown (infinite) spare.
  const poolCpu = new Float64Array(C);
  const poolMem = new Float64Array(C);
  const unknownCpu = new Int32Array(C);
  const unknownMem = new Int32Array(C);
  const clusterHosts: number[][] = Array.from({ length: C }, () => []);
  for (let h = 0; h < H; h++) {
    const c = input.hostCluster[h]!;
    clusterHosts[c]!.push(h);
    if (!input.inService[h]) continue;
    if (Number.isFinite(input.spareCpu[h]!)) poolCpu[c]! += input.spareCpu[h]!;
    else unknownCpu[c]!++;
    if (Number.isFinite(input.spareMem[h]!)) poolMem[c]! += input.spareMem[h]!;
    else unknownMem[c]!++;
  }

  // Replica groups: app → role → VMs; and for each host the apps it holds.
  const apps = new Map<string, { roles: Map<string, number[]>; hosts: Set<number>; vms: number }>();
  for (let v = 0; v < V; v++) {
    const app = input.vmApp[v];
    if (app === undefined || input.vmHost[v]! < 0) continue;
    const entry = getOrCreate(apps, app, () => ({
      roles: new Map<string, number[]>(),
      hosts: new Set<number>(),
      vms: 0,
    }));
    getOrCreate(entry.roles, input.vmRole[v] ?? '', () => []).push(v);
    entry.hosts.add(input.vmHost[v]!);
    entry.vms++;
  }
  const appNames = [...apps.keys()].sort();
  const appRoles = appNames.map((a) => [...apps.get(a)!.roles.values()]);
  const appHostList = appNames.map((a) => [...apps.get(a)!.hosts].sort((x, y) => x - y));
  const hostApps: number[][] = Array.from({ length: H }, () => []);
  for (const [a, hosts] of appHostList.entries()) for (const h of hosts) hostApps[h]!.push(a);
  // Most replicas of one role group on a single host: with them, how close one more failure comes to the group.
  const groupMaxOnOneHost = new Map<number[], number>();
  for (const roles of appRoles) {
    for (const group of roles) {
      const perHost = new Map<number, number>();
      let most = 0;
      for (const v of group) {
        const n = (perHost.get(input.vmHost[v]!) ?? 0) + 1;
        perHost.set(input.vmHost[v]!, n);
        if (n > most) most = n;
      }
      groupMaxOnOneHost.set(group, most);
    }
  }

  // Scratch state for evaluating one failure set.
  const hostMode = new Uint8Array(H);
  const vmW = new Float64Array(V);
  const failedCluster = new Uint8Array(C);

  /** Restarts the VMs of down hosts cluster by cluster; sets vmW; returns whether every VM restarted, per cluster in `failedCluster`. */
  const clusterMark = new Int32Array(C);
  let generation = 0;
  function evaluate(failed: readonly number[]): void {
    for (const h of failed) failedCluster[input.hostCluster[h]!] = 0;
    generation++;
    for (const h0 of failed) {
      const c = input.hostCluster[h0]!;
      if (clusterMark[c] === generation) continue;
      clusterMark[c] = generation;
      let cpu = poolCpu[c]!;
      let mem = poolMem[c]!;
      let infCpu = unknownCpu[c]!;
      let infMem = unknownMem[c]!;
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
            vmW[v] = restartFrac[h]!;
          } else {
            vmW[v] = 1;
            failedCluster[c] = 1;
          }
        }
      }
    }
  }

  function clear(failed: readonly number[]): void {
    for (const h of failed) for (const v of hostVms[h]!) vmW[v] = 0;
  }

  /** Down weight of app a under the current vmW, shared among the failed hosts holding it. */
  function appShare(a: number): number {
    let worst = 0;
    for (const group of appRoles[a]!) {
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
    for (const h of appHostList[a]!) if (hostMode[h] !== 0) failedHolding++;
    return worst / failedHolding;
  }

  // Per host, the expected outcome of forcing it failed: down (weight q/pFail) or isolated.
  const vmAcc = new Float64Array(V);
  const appAcc: Map<number, number>[] = Array.from({ length: H }, () => new Map());
  const cachedVm = new Float64Array(V);
  const cachedApp: Map<number, number>[] = Array.from({ length: H }, () => new Map());
  const singleRestartable = new Uint8Array(H);
  const appsLost: string[][] = Array.from({ length: H }, () => []);

  /** The two ways a host counts as failed, each with its weight given that it failed: down, or isolated. */
  function failureModes(h: number): [number, number][] {
    return [
      [DOWN, q[h]! / pFail[h]!],
      [ISOLATED, ((1 - q[h]!) * qIso[h]!) / pFail[h]!],
    ];
  }

  function forced(
    h: number,
    others: readonly number[],
    vmOut: Float64Array,
    appOut: Map<number, number>,
    scale: number,
  ): void {
    if (hostVms[h]!.length === 0 || pFail[h] === 0) return;
    const failed = others.includes(h) ? others : [...others, h];
    const saved = hostMode[h]!;
    for (const [mode, weight] of failureModes(h)) {
      if (weight === 0) continue;
      hostMode[h] = mode;
      evaluate(failed);
      for (const v of hostVms[h]!) vmOut[v]! += scale * weight * vmW[v]!;
      for (const a of hostApps[h]!) {
        const share = appShare(a);
        if (share > 0) appOut.set(a, (appOut.get(a) ?? 0) + scale * weight * share);
      }
      clear(failed);
    }
    hostMode[h] = saved;
  }

  // A VM's weight when its host alone fails (restarted or not): what an app-only host contributes.
  const singleDownW = new Float64Array(V);
  for (let h = 0; h < H; h++) {
    if (hostVms[h]!.length === 0) {
      singleRestartable[h] = 1;
      continue;
    }
    hostMode[h] = DOWN;
    evaluate([h]);
    singleRestartable[h] = failedCluster[input.hostCluster[h]!] ? 0 : 1;
    for (const v of hostVms[h]!) singleDownW[v] = vmW[v]!;
    clear([h]);
    hostMode[h] = ISOLATED;
    evaluate([h]);
    for (const a of hostApps[h]!) if (appShare(a) >= 1) appsLost[h]!.push(appNames[a]!);
    clear([h]);
    hostMode[h] = 0;
    forced(h, [], cachedVm, cachedApp[h]!, 1);
  }

  // Per trial, work is bounded by the clusters a failure happens in: their hosts are re-evaluated in full
  // (restart capacity is per cluster). A host elsewhere that shares an app with a failed host keeps its
  // single-failure VM outcome, and only the shared app can differ; that app is looked at only when one of its
  // role groups could be entirely down (all its replicas on failed hosts plus one more host), which a replica
  // group spread over many hosts never is. So fleet-wide apps (DNS, monitoring, AD) cost per trial what their
  // replicas on failed hosts cost, not what every host holding them costs. Same draws and estimator as before.
  const explicitTrials = new Int32Array(H);
  const clusterFailures = new Int32Array(C);
  // Trials in which an app was touched by a failure outside a host's own cluster, and those among them in which
  // the host's cluster failed too (counted once, not twice, when the clean share is taken).
  const appTouched = new Int32Array(appNames.length);
  const appTouchedMark = new Int32Array(appNames.length).fill(-1);
  const bothTouched: Map<number, number>[] = Array.from({ length: H }, () => new Map());
  const failed: number[] = [];
  const clusterHit = new Int32Array(C).fill(-1);
  for (let trial = 0; trial < T; trial++) {
    failed.length = 0;
    for (let h = 0; h < H; h++) {
      const key = hostKey[h]!;
      if (uniformAt(seed, key, trial) < q[h]!) {
        hostMode[h] = DOWN;
        failed.push(h);
        continue;
      }
      const n = input.uplinks[h]!;
      if (n === 0) continue;
      let allDown = true;
      for (let j = 0; j < n && allDown; j++)
        allDown = uniformAt(seed ^ 0x2545f491, (key + Math.imul(j + 1, 0x9e3779b1)) >>> 0, trial) < qUplink;
      if (allDown) {
        hostMode[h] = ISOLATED;
        failed.push(h);
      }
    }
    if (failed.length === 0) continue;

    evaluate(failed);
    for (const h of failed) {
      const c = input.hostCluster[h]!;
      if (clusterHit[c] !== trial && failedCluster[c]) clusterFailures[c]!++;
      clusterHit[c] = trial;
    }
    // vmW still holds this failure set's outcome: the app-only hosts are scored against it.
    scoreAppsSharedWithFailures(trial);
    clear(failed);

    for (const f of failed) {
      const c = input.hostCluster[f]!;
      if (clusterHit[c] === -2 - trial) continue;
      clusterHit[c] = -2 - trial;
      for (const h of clusterHosts[c]!) {
        if (hostVms[h]!.length === 0) continue;
        explicitTrials[h]!++;
        forced(h, failed, vmAcc, appAcc[h]!, 1);
        for (const a of hostApps[h]!)
          if (appTouchedMark[a] === trial) bothTouched[h]!.set(a, (bothTouched[h]!.get(a) ?? 0) + 1);
      }
    }
    for (const h of failed) hostMode[h] = 0;
  }

  /**
   * For each app held by a failed host: count the trial as touched, and score the hosts outside the failed
   * clusters that hold it, but only if one of its role groups could be down with one more host failed.
   */
  function scoreAppsSharedWithFailures(trial: number): void {
    const touched: number[] = [];
    for (const f of failed) {
      for (const a of hostApps[f]!) {
        if (appTouchedMark[a] !== trial) {
          appTouchedMark[a] = trial;
          appTouched[a]!++;
          touched.push(a);
        }
      }
    }
    for (const a of touched) {
      let couldBeDown = false;
      for (const group of appRoles[a]!) {
        let onFailed = 0;
        for (const v of group) if (hostMode[input.vmHost[v]!] !== 0) onFailed++;
        if (onFailed + groupMaxOnOneHost.get(group)! >= group.length) couldBeDown = true;
      }
      if (!couldBeDown) continue;
      for (const h of appHostList[a]!) {
        if (clusterHit[input.hostCluster[h]!] === trial || hostVms[h]!.length === 0 || pFail[h] === 0) continue;
        scoreAppOnly(h, a);
      }
    }
  }

  /** What forced(h, failed) adds for app `a` when h's cluster has no other failure: its VMs' single-failure outcome. */
  function scoreAppOnly(h: number, a: number): void {
    for (const [mode, weight] of failureModes(h)) {
      if (weight === 0) continue;
      hostMode[h] = mode;
      for (const v of hostVms[h]!) vmW[v] = mode === ISOLATED ? 1 : singleDownW[v]!;
      const share = appShare(a);
      if (share > 0) appAcc[h]!.set(a, (appAcc[h]!.get(a) ?? 0) + weight * share);
    }
    for (const v of hostVms[h]!) vmW[v] = 0;
    hostMode[h] = 0;
  }

  const vmDowntime = new Float64Array(V).fill(Number.NaN);
  const appDowntime = new Float64Array(appNames.length);
  for (let h = 0; h < H; h++) {
    const denom = T > 0 ? T : 1;
    const cleanVm = T > 0 ? T - explicitTrials[h]! : 1;
    for (const v of hostVms[h]!)
      vmDowntime[v] = (HOURS_PER_YEAR * pFail[h]! * (cleanVm * cachedVm[v]! + vmAcc[v]!)) / denom;
    for (const a of hostApps[h]!) {
      const explicit = explicitTrials[h]! + appTouched[a]! - (bothTouched[h]!.get(a) ?? 0);
      const clean = T > 0 ? T - explicit : 1;
      appDowntime[a]! +=
        (HOURS_PER_YEAR * pFail[h]! * (clean * (cachedApp[h]!.get(a) ?? 0) + (appAcc[h]!.get(a) ?? 0))) / denom;
    }
  }

  const antiAffinity: AntiAffinityViolation[] = [];
  const violationsPerApp = new Int32Array(appNames.length);
  appNames.forEach((app, a) => {
    for (const [role, group] of apps.get(app)!.roles) {
      if (group.length < 2) continue;
      const byHost = new Map<number, number[]>();
      for (const v of group) {
        const h = input.vmHost[v]!;
        const list = byHost.get(h) ?? [];
        list.push(v);
        byHost.set(h, list);
      }
      for (const [h, vms] of [...byHost].sort((x, y) => x[0] - y[0])) {
        if (vms.length < 2) continue;
        violationsPerApp[a]!++;
        antiAffinity.push({ app, role, hostId: input.hostIds[h]!, vms: vms.map((v) => input.vmIds[v]!).sort() });
      }
    }
  });

  const hosts: AvailabilityHostMap = new Array(H);
  for (let h = 0; h < H; h++) {
    hosts[h] = {
      unavailability: q[h]!,
      isolation: qIso[h]!,
      failuresPerYear: HOURS_PER_YEAR / (input.mtbfHours[h]! + input.mttrHours[h]!),
      blastRadius: { vms: hostVms[h]!.length, apps: hostApps[h]!.length, appsLost: appsLost[h]!.sort() },
      singleFailureRestartable: singleRestartable[h] === 1,
    };
  }

  const clusters: Record<string, ClusterAvailability> = {};
  for (let c = 0; c < C; c++) {
    const p = T > 0 ? clusterFailures[c]! / T : 0;
    clusters[input.clusterIds[c]!] = {
      hosts: clusterHosts[c]!.length,
      vms: clusterHosts[c]!.reduce((n, h) => n + hostVms[h]!.length, 0),
      haToleratedFailures: toleratedFailures(clusterHosts[c]!, hostVms, input),
      pCannotRestart: p,
      pCannotRestartStdErr: T > 0 ? Math.sqrt((p * (1 - p)) / T) : 0,
      trialsCannotRestart: clusterFailures[c]!,
    };
  }

  const appsOut: Record<string, AppAvailability> = {};
  appNames.forEach((app, a) => {
    appsOut[app] = {
      vms: apps.get(app)!.vms,
      hosts: appHostList[a]!.length,
      expectedDowntimeHoursPerYear: appDowntime[a]!,
      antiAffinityViolations: violationsPerApp[a]!,
    };
  });

  return {
    trials: T,
    seed,
    defaults: d,
    hosts,
    vmDowntimeHoursPerYear: vmDowntime,
    clusters,
    apps: appsOut,
    antiAffinity,
  };
}

/**
 * HA tolerance by the one N+1 definition (src/model/failover-capacity.ts), as `consolidation.cluster-n-plus-one`
 * applies it: a host's capacity is its spare plus what its VMs use, and the worst k failures are the k largest
 * hosts (it used to fail only the busiest ones, and could call a cluster N+1 the audit did not).
 */
function toleratedFailures(hosts: readonly number[], hostVms: number[][], input: AvailabilityInput): number {
  const serving = hosts.filter((h) => input.inService[h]);
  const cpu: number[] = [];
  const mem: number[] = [];
  let cpuDemand = 0;
  let memDemand = 0;
  for (const h of hosts) {
    let usedCpu = 0;
    let usedMem = 0;
    for (const v of hostVms[h]!) {
      usedCpu += input.vmCpu[v]!;
      usedMem += input.vmMem[v]!;
    }
    cpuDemand += usedCpu;
    memDemand += usedMem;
    if (!input.inService[h]) continue;
    // Unknown capacity is +Infinity spare: such a host is left out of that dimension.
    if (Number.isFinite(input.spareCpu[h]!)) cpu.push(input.spareCpu[h]! + usedCpu);
    if (Number.isFinite(input.spareMem[h]!)) mem.push(input.spareMem[h]! + usedMem);
  }
  return toleratedHostFailures(serving.length, [
    { capacities: cpu, demand: cpuDemand },
    { capacities: mem, demand: memDemand },
  ]);
}
