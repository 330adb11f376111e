/** The estimator's arrays turned into the per-host, per-cluster and per-app figures the result reports. */
import { HOURS_PER_YEAR } from '../coefficients';
import type { AntiAffinity } from './anti-affinity';
import type { ExpectedDowntime } from './downtime';
import { toleratedFailures } from './ha-tolerance';
import type { AvailabilityModel } from './model';
import type { SingleFailures } from './single-failures';
import type { AppAvailability, AvailabilityHostMap, ClusterAvailability } from './types';

export function hostSummaries(m: AvailabilityModel, single: SingleFailures): AvailabilityHostMap {
  const { input, odds, hostVms, replicas } = m;
  const H = input.hostIds.length;
  const hosts: AvailabilityHostMap = new Array(H);
  for (let h = 0; h < H; h++) {
    hosts[h] = {
      unavailability: odds.q[h]!,
      isolation: odds.qIso[h]!,
      failuresPerYear: HOURS_PER_YEAR / (input.mtbfHours[h]! + input.mttrHours[h]!),
      blastRadius: {
        vms: hostVms[h]!.length,
        apps: replicas.hostApps[h]!.length,
        appsLost: single.appsLost[h]!.sort(),
      },
      singleFailureRestartable: single.restartable[h] === 1,
    };
  }
  return hosts;
}

export function clusterSummaries(
  m: AvailabilityModel,
  clusterFailures: Int32Array,
  trials: number,
): Record<string, ClusterAvailability> {
  const T = trials;
  const { input, pools, hostVms } = m;
  const clusters: Record<string, ClusterAvailability> = {};
  for (let c = 0; c < input.clusterIds.length; c++) {
    const p = T > 0 ? clusterFailures[c]! / T : 0;
    const hosts = pools.clusterHosts[c]!;
    clusters[input.clusterIds[c]!] = {
      hosts: hosts.length,
      vms: hosts.reduce((n, h) => n + hostVms[h]!.length, 0),
      haToleratedFailures: toleratedFailures(hosts, hostVms, input),
      pCannotRestart: p,
      pCannotRestartStdErr: T > 0 ? Math.sqrt((p * (1 - p)) / T) : 0,
      trialsCannotRestart: clusterFailures[c]!,
    };
  }
  return clusters;
}

export function appSummaries(
  m: AvailabilityModel,
  downtime: ExpectedDowntime,
  antiAffinity: AntiAffinity,
): Record<string, AppAvailability> {
  const { replicas } = m;
  const apps: Record<string, AppAvailability> = {};
  replicas.names.forEach((app, a) => {
    apps[app] = {
      vms: replicas.vms[a]!,
      hosts: replicas.hostList[a]!.length,
      expectedDowntimeHoursPerYear: downtime.app[a]!,
      antiAffinityViolations: antiAffinity.perApp[a]!,
    };
  });
  return apps;
}
