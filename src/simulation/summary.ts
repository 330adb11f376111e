/**
 * Fleet figures derived only from per-host and per-VM results, so a whole-fleet run and the merge of
 * per-cluster runs (Step Functions fan-out) produce the same summary.
 */
import type { ClusterAvailability } from './availability';
import type { FleetSummary, HostResult, VmResult } from './result';
import { round } from './score';

/** What the summary reads of the VM results: their count, the running ones, and the downtime sum in VM id order. */
export interface VmTotals {
  count: number;
  running: number;
  downtime: number;
  withDowntime: number;
}

/** The totals of these VM results, summed in the order given. */
export function vmTotals(
  vmList: readonly Pick<VmResult, 'runningTimeFraction' | 'expectedDowntimeHoursPerYear'>[],
): VmTotals {
  return vmTotalsOf(
    vmList.length,
    (v) => vmList[v]!.runningTimeFraction,
    (v) => vmList[v]!.expectedDowntimeHoursPerYear,
  );
}

/**
 * The totals of `count` VMs whose results' `runningTimeFraction` and `expectedDowntimeHoursPerYear` are
 * `runningFraction(v)` and `downtime(v)`, summed in VM order: the same sums whether the results exist or not.
 */
export function vmTotalsOf(
  count: number,
  runningFraction: (v: number) => number,
  downtime: (v: number) => number | null,
): VmTotals {
  const totals: VmTotals = { count, running: 0, downtime: 0, withDowntime: 0 };
  for (let v = 0; v < count; v++) {
    if (runningFraction(v) > 0) totals.running++;
    const hours = downtime(v);
    if (hours !== null) {
      totals.downtime += hours;
      totals.withDowntime++;
    }
  }
  return totals;
}

/**
 * Host and VM results must come in id order on every path, so floating-point sums add up the same way. `vms`: the
 * VM results' `vmTotals`, or the same figures summed in the same order without them.
 */
export function summariseFleet(
  hostList: readonly HostResult[],
  vms: VmTotals,
  clusters: Readonly<Record<string, ClusterAvailability>>,
  antiAffinityViolations: number,
  steps: number,
): FleetSummary {
  const overloadedHostsPerStep = new Array<number>(steps).fill(0);
  let activeHostSteps = 0;
  let overloadedHostSteps = 0;
  let energy = 0;
  let noCurve = 0;
  let readyNum = 0;
  let readyDen = 0;
  let scoreSum = 0;
  let scoreMax = 0;
  let atRisk = 0;
  for (const h of hostList) {
    activeHostSteps += h.activeSteps;
    overloadedHostSteps += h.overloadedSteps;
    for (const t of h.overloadedAt) overloadedHostsPerStep[t]!++;
    if (h.energyKWh === null) noCurve++;
    else energy += h.energyKWh;
    readyNum += h.cpuReadyPct * h.vcpuSteps;
    readyDen += h.vcpuSteps;
    scoreSum += h.score;
    if (h.score > scoreMax) scoreMax = h.score;
    if (h.score >= 50) atRisk++;
  }
  const { running, downtime, withDowntime } = vms;
  return {
    hosts: hostList.length,
    activeHosts: hostList.filter((h) => h.activeSteps > 0).length,
    vms: vms.count,
    runningVms: running,
    energyKWh: round(energy, 6),
    hostsWithoutPowerCurve: noCurve,
    overloadedTimeFraction: activeHostSteps > 0 ? round(overloadedHostSteps / activeHostSteps, 6) : 0,
    activeHostSteps,
    overloadedHostSteps,
    overloadedHostsPerStep,
    cpuReadyPct: readyDen > 0 ? round(readyNum / readyDen, 4) : 0,
    hostScoreMean: hostList.length > 0 ? round(scoreSum / hostList.length, 2) : 0,
    hostScoreMax: scoreMax,
    hostsScoring50OrMore: atRisk,
    vmDowntimeHoursPerYearMean: withDowntime > 0 ? round(downtime / withDowntime, 6) : 0,
    antiAffinityViolations,
    clustersWithoutFailover: Object.values(clusters).filter((c) => c.vms > 0 && c.haToleratedFailures === 0).length,
  };
}
