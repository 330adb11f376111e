/** The shape `hyperaudit simulate` prints as JSON and stores under meta `simulation/latest` (docs/simulation.md). */
import type { AvailabilityDefaults, PerformanceCoefficients } from './coefficients';
import type { AntiAffinityViolation, AppAvailability, ClusterAvailability } from './availability';
import type { ScoreReason } from './score';

export interface HostResult {
  cluster: string;
  /** 0–100 risk, higher is worse; `reasons` add up to it. */
  score: number;
  reasons: ScoreReason[];
  /** Distinct VMs that ran on the host during the window. */
  vms: number;
  capacityMHz: number;
  activeSteps: number;
  overloadedSteps: number;
  /** Step indices (0-based, within the window) at which the host was overloaded. */
  overloadedAt: number[];
  activeTimeFraction: number;
  /** Share of active steps with CPU demand (incl. I/O overhead) above capacity. */
  overloadedTimeFraction: number;
  cpuReadyPct: number;
  /** vCPU × steps behind cpuReadyPct, to pool it across hosts. */
  vcpuSteps: number;
  cpuUtilAvgPct: number;
  cpuUtilPeakPct: number;
  memoryOvercommit: number;
  memoryOvercommitAvg: number;
  nicContentionTimeFraction: number;
  nicUtilPeakPct: number;
  storageContentionTimeFraction: number;
  storageUtilPeakPct: number;
  coincidingPeaks: number;
  ioOverheadMHzAvg: number;
  /** null when the host has no SPECpower curve. */
  energyKWh: number | null;
  inService: boolean;
  availability: {
    unavailability: number;
    isolation: number;
    failuresPerYear: number;
    singleFailureRestartable: boolean;
    blastRadius: { vms: number; apps: number; appsLost: string[] };
  };
}

export interface VmResult {
  /** Host at the end of the window (null if not running then). */
  hostId: string | null;
  cluster: string | null;
  app?: string;
  role?: string;
  score: number;
  reasons: ScoreReason[];
  runningTimeFraction: number;
  cpuDemandAvgMHz: number;
  ioOverheadMHzAvg: number;
  cpuReadyPct: number;
  overloadedTimeFraction: number;
  memoryOvercommit: number;
  nicShortfallPct: number;
  storageContentionTimeFraction: number;
  coincidingPeaks: number;
  peakStep: number | null;
  /** null when the VM is not running at the end of the window. */
  expectedDowntimeHoursPerYear: number | null;
}

export interface FleetSummary {
  hosts: number;
  activeHosts: number;
  vms: number;
  runningVms: number;
  energyKWh: number;
  hostsWithoutPowerCurve: number;
  /** Overloaded host-steps over active host-steps (time-weighted over active hosts). */
  overloadedTimeFraction: number;
  activeHostSteps: number;
  overloadedHostSteps: number;
  /** Hosts overloaded at each step of the window: the "overload over the day" series. */
  overloadedHostsPerStep: number[];
  cpuReadyPct: number;
  hostScoreMean: number;
  hostScoreMax: number;
  hostsScoring50OrMore: number;
  vmDowntimeHoursPerYearMean: number;
  antiAffinityViolations: number;
  clustersWithoutFailover: number;
}

export interface SimulationResult {
  kind: 'hyperaudit.simulation';
  version: 1;
  accounting: 'native';
  window: { start: string; steps: number; stepSeconds: number };
  seed: number;
  trials: number;
  coefficients: PerformanceCoefficients;
  availabilityDefaults: AvailabilityDefaults;
  fleet: FleetSummary;
  hosts: Record<string, HostResult>;
  vms: Record<string, VmResult>;
  clusters: Record<string, ClusterAvailability>;
  apps: Record<string, AppAvailability>;
  antiAffinity: AntiAffinityViolation[];
  warnings: string[];
}
