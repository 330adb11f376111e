/**
 * The placement problem the planner solves: hosts with their capacities, VMs with their demand and the
 * constraints that bind them. Built once from the fleet (build-problem.ts); everything else in src/plan reads
 * only this, so the planner, the exact solver and the tests share one model.
 */
import type { HypervisorVendor } from '../model/host';
import type { Perimeter } from '../model/perimeter';

export type PlanGoal = 'fix' | 'balance' | 'energy';

export interface PlanHost {
  id: string;
  name: string;
  cluster: string;
  datacenter?: string;
  vendor?: HypervisorVendor;
  /** Connected and not in maintenance: a host that may take VMs and counts toward N+1. */
  serving: boolean;
  sockets: number;
  /** Physical cores (threads not counted), as the vCPU-ratio rules count them. */
  cores: number;
  coreMHz: number;
  /** Cores × MHz with hyperthreads counted by the simulation's SMT gain: what the overload model serves. */
  capacityMHz: number;
  memMiB: number;
  /** Uplink capacity with the fastest uplink failed; null when uplinks are not reported. */
  nicN1Mbps: number | null;
  iopsCapacity: number | null;
  /** Perimeters the host belongs to (sorted): a move between hosts with different sets is a perimeter crossing. */
  perimeterSet: string;
}

export interface PlanVm {
  id: string;
  name: string;
  hostId: string | undefined;
  /** Counts toward load, replicas and N+1 (not powered off or suspended). */
  running: boolean;
  perimeter?: string;
  perimeterSource?: 'own' | 'clone';
  trustLevel?: number;
  /** `app\0role` when both labels are set: replicas that must not share a host. */
  replicaKey?: string;
  vcpus: number;
  memMiB: number;
  netMbps: number;
  iops: number;
  /** UTC hour of a peak at or above the coinciding-peaks threshold, when the VM reports one. */
  peakHour?: number;
  /** CPU % the N+1 rule charges (workload.cpuPeakPct, 100 when unknown). */
  n1PeakPct: number;
  /** Utilisation 0–1 per simulation step. */
  util: Float32Array;
  /** Host MHz per unit of utilisation spent on the VM's network and storage I/O (the simulation's overhead). */
  ioMHzPerUtil: number;
}

/** Limits a host must stay within after a VM lands on it, and the thresholds at which a finding opens. */
export interface PlanLimits {
  /** consolidation.vcpu-ratio-warn `warn`: a target never goes above it. */
  targetVcpuPerCore: number;
  /** consolidation.vcpu-ratio-high `high`: above it a host is a finding to clear. */
  findingVcpuPerCore: number;
  /** Configured memory over host memory a target may reach (1: no overcommit on a host the plan fills). */
  targetMemoryRatio: number;
  /** consolidation.memory-overcommit `max`. */
  findingMemoryRatio: number;
  /** consolidation.iops-over-capacity `max`. */
  iopsRatio: number;
  /** consolidation.coinciding-peaks `maxCoinciding`: a target stays below it. */
  maxCoincidingPeaks: number;
  /** consolidation.single-socket-crowded `maxVms`. */
  singleSocketMaxVms: number;
  /** simulation.host-overloaded `maxFraction`: overloaded steps over active steps. */
  overloadFraction: number;
}

export const DEFAULT_LIMITS: PlanLimits = {
  targetVcpuPerCore: 4,
  findingVcpuPerCore: 8,
  targetMemoryRatio: 1,
  findingMemoryRatio: 1.2,
  iopsRatio: 1,
  maxCoincidingPeaks: 3,
  singleSocketMaxVms: 20,
  overloadFraction: 0.05,
};

export interface PlanProblem {
  hosts: PlanHost[];
  vms: PlanVm[];
  perimeters: ReadonlyMap<string, Perimeter>;
  limits: PlanLimits;
  steps: number;
}

export interface PlanMove {
  vmId: string;
  fromHostId: string;
  toHostId: string;
  /** Why the VM moves: the violation it clears, or `staging` for a hop that frees a cycle. */
  reason: string;
  /** Source and target belong to different perimeter sets: ingesting the executed move raises perimeter.migration-crossed. */
  crossesPerimeterSets: boolean;
}

export type ViolationKind = 'perimeter' | 'trust' | 'replicas' | 'capacity' | 'n-plus-one';

/** Something wrong with a placement that moves can clear; `subject` is the VM, host or cluster id. */
export interface Violation {
  kind: ViolationKind;
  subject: string;
  detail: string;
}

export interface Unresolved extends Violation {
  /** Why no move clears it: what every candidate VM ran into. */
  reason: string;
}
