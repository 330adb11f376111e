/** Each host failing alone: whether its cluster restarts it all, what it takes down, and its cached outcome. */
import { DOWN, type FailureEvaluator, ISOLATED, UP } from './failure-evaluator';
import type { AvailabilityModel } from './model';

export interface SingleFailures {
  restartable: Uint8Array;
  /** Per VM, its weight when its host alone is down (restarted or not): what an app-only host contributes. */
  downW: Float64Array;
  /** Per host, the apps entirely down while it alone is isolated. */
  appsLost: string[][];
  /** The forced-failure outcome with no other failure, reused by every trial that leaves the host's cluster alone. */
  cachedVm: Float64Array;
  cachedApp: Map<number, number>[];
}

export function scoreSingleFailures(m: AvailabilityModel, ev: FailureEvaluator): SingleFailures {
  const H = m.input.hostIds.length;
  const V = m.input.vmIds.length;
  const restartable = new Uint8Array(H);
  const downW = new Float64Array(V);
  const appsLost: string[][] = Array.from({ length: H }, () => []);
  const cachedVm = new Float64Array(V);
  const cachedApp: Map<number, number>[] = Array.from({ length: H }, () => new Map());
  for (let h = 0; h < H; h++) {
    const vms = m.hostVms[h]!;
    if (vms.length === 0) {
      restartable[h] = 1;
      continue;
    }
    ev.hostMode[h] = DOWN;
    ev.evaluate([h]);
    restartable[h] = ev.failedCluster[m.input.hostCluster[h]!] ? 0 : 1;
    for (const v of vms) downW[v] = ev.vmW[v]!;
    ev.clear([h]);
    ev.hostMode[h] = ISOLATED;
    ev.evaluate([h]);
    for (const a of m.replicas.hostApps[h]!) if (ev.appShare(a) >= 1) appsLost[h]!.push(m.replicas.names[a]!);
    ev.clear([h]);
    ev.hostMode[h] = UP;
    ev.forced(h, [], cachedVm, cachedApp[h]!, 1);
  }
  return { restartable, downW, appsLost, cachedVm, cachedApp };
}
