/** The availability Monte Carlo's input (index-addressed like the compiled fleet) and what it reports. */
import type { AvailabilityDefaults } from '../coefficients';

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
