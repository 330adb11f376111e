/** Everything the estimator reads about the fleet, computed once before the trials. */
import type { AvailabilityDefaults } from '../coefficients';
import { type HostOdds, hostOdds } from './host-odds';
import { type ReplicaGroups, replicaGroups } from './replica-groups';
import { type RestartPools, restartPools, vmsInRestartOrder } from './restart-capacity';
import type { AvailabilityInput } from './types';

export interface AvailabilityModel {
  input: AvailabilityInput;
  odds: HostOdds;
  /** Per host, its running VMs in restart order. */
  hostVms: number[][];
  pools: RestartPools;
  replicas: ReplicaGroups;
}

export function availabilityModel(input: AvailabilityInput, defaults: AvailabilityDefaults): AvailabilityModel {
  return {
    input,
    odds: hostOdds(input, defaults),
    hostVms: vmsInRestartOrder(input),
    pools: restartPools(input),
    replicas: replicaGroups(input),
  };
}
