/**
 * The one N+1 definition (issue 15 item 6), shared by the audit's `consolidation.cluster-n-plus-one` and the
 * simulation's HA-tolerated failures. A cluster tolerates k host failures when, in every dimension (CPU,
 * memory), what its serving hosts offer minus the k largest of them still covers the demand of every running
 * VM: the VMs of the failed hosts restart on the others, so total demand stays and the worst k failures are the
 * k largest hosts, not the busiest.
 */
export interface FailoverDimension {
  /** Capacity of each serving host that reports it (hosts without a figure are left out of this dimension). */
  capacities: readonly number[];
  /** Demand of every running VM of the cluster. */
  demand: number;
}

/** Capacity left in a dimension after the `k` largest hosts fail. */
export function capacityAfterLosing(capacities: readonly number[], k: number): number {
  const sorted = [...capacities].sort((a, b) => b - a);
  return sorted.slice(k).reduce((a, b) => a + b, 0);
}

/** How many hosts can fail at once (the worst ones) with every VM still able to restart; 0 without N+1. */
export function toleratedHostFailures(hostCount: number, dimensions: readonly FailoverDimension[]): number {
  let tolerated = 0;
  for (let k = 1; k < hostCount; k++) {
    // A dimension no host reports cannot be checked and does not limit (the simulation's unknown capacity is spare).
    const fits = dimensions.every(
      (d) => d.capacities.length === 0 || capacityAfterLosing(d.capacities, k) + 1e-9 >= d.demand,
    );
    if (!fits) break;
    tolerated = k;
  }
  return tolerated;
}
