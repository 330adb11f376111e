/**
 * A placement of the problem's VMs with per-host and per-cluster running totals, so checking a candidate
 * move costs O(steps) and not O(fleet). Mutable on purpose: the planner tries thousands of moves.
 */
import type { PlanHost, PlanProblem, PlanVm } from './problem';

export interface HostLoad {
  vmIds: Set<string>;
  /** CPU demand (MHz) per step of the running VMs. */
  cpu: Float64Array;
  memMiB: number;
  vcpus: number;
  netMbps: number;
  iops: number;
  running: number;
  /** VMs per trust level (powered-off VMs too: they can start). */
  trust: Map<number, number>;
  /** Running VMs per replica key. */
  replicas: Map<string, number>;
  /** Running VMs per peak hour. */
  peakHours: Map<number, number>;
}

export interface ClusterLoad {
  memDemandMiB: number;
  cpuDemandMHz: number;
}

const bump = <K>(map: Map<K, number>, key: K, by: number) => {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
};

export class Placement {
  readonly hostById: ReadonlyMap<string, PlanHost>;
  readonly vmById: ReadonlyMap<string, PlanVm>;
  readonly hostOf = new Map<string, string>();
  readonly loads = new Map<string, HostLoad>();
  readonly clusters = new Map<string, ClusterLoad>();
  /** Hosts the plan put in maintenance (energy goal): no longer serving. */
  readonly retired = new Set<string>();

  /** `assignment` (VM → host) replaces the hosts the VMs report, e.g. a candidate final placement. */
  constructor(
    readonly problem: PlanProblem,
    assignment?: ReadonlyMap<string, string>,
  ) {
    this.hostById = new Map(problem.hosts.map((h) => [h.id, h]));
    this.vmById = new Map(problem.vms.map((v) => [v.id, v]));
    for (const h of problem.hosts) {
      this.loads.set(h.id, {
        vmIds: new Set(),
        cpu: new Float64Array(problem.steps),
        memMiB: 0,
        vcpus: 0,
        netMbps: 0,
        iops: 0,
        running: 0,
        trust: new Map(),
        replicas: new Map(),
        peakHours: new Map(),
      });
      if (!this.clusters.has(h.cluster)) this.clusters.set(h.cluster, { memDemandMiB: 0, cpuDemandMHz: 0 });
    }
    for (const vm of problem.vms) {
      const hostId = assignment ? assignment.get(vm.id) : vm.hostId;
      if (hostId !== undefined && this.hostById.has(hostId)) this.add(vm, hostId);
    }
  }

  clone(): Placement {
    const copy = new Placement(this.problem, this.hostOf);
    for (const h of this.retired) copy.retired.add(h);
    return copy;
  }

  isServing(hostId: string): boolean {
    return this.hostById.get(hostId)!.serving && !this.retired.has(hostId);
  }

  /** CPU MHz a VM demands at one unit of utilisation on a host. */
  static cpuPerUtil(vm: PlanVm, host: PlanHost): number {
    return vm.vcpus * host.coreMHz + vm.ioMHzPerUtil;
  }

  add(vm: PlanVm, hostId: string): void {
    this.apply(vm, hostId, 1);
    this.hostOf.set(vm.id, hostId);
  }

  remove(vm: PlanVm): void {
    const hostId = this.hostOf.get(vm.id);
    if (hostId === undefined) return;
    this.apply(vm, hostId, -1);
    this.hostOf.delete(vm.id);
  }

  move(vmId: string, toHostId: string): void {
    const vm = this.vmById.get(vmId)!;
    this.remove(vm);
    this.add(vm, toHostId);
  }

  private apply(vm: PlanVm, hostId: string, sign: 1 | -1): void {
    const host = this.hostById.get(hostId)!;
    const load = this.loads.get(hostId)!;
    if (sign > 0) load.vmIds.add(vm.id);
    else load.vmIds.delete(vm.id);
    if (vm.trustLevel !== undefined) bump(load.trust, vm.trustLevel, sign);
    if (!vm.running) return;
    const perUtil = Placement.cpuPerUtil(vm, host) * sign;
    for (let t = 0; t < load.cpu.length; t++) load.cpu[t]! += vm.util[t]! * perUtil;
    load.memMiB += vm.memMiB * sign;
    load.vcpus += vm.vcpus * sign;
    load.netMbps += vm.netMbps * sign;
    load.iops += vm.iops * sign;
    load.running += sign;
    if (vm.replicaKey !== undefined) bump(load.replicas, vm.replicaKey, sign);
    if (vm.peakHour !== undefined) bump(load.peakHours, vm.peakHour, sign);
    const cluster = this.clusters.get(host.cluster)!;
    cluster.memDemandMiB += vm.memMiB * sign;
    cluster.cpuDemandMHz += vm.vcpus * host.coreMHz * (vm.n1PeakPct / 100) * sign;
  }

  /** Steps at which the host's CPU demand exceeds its capacity (0 when it has no CPU inventory). */
  overloadedSteps(hostId: string, extra?: { vm: PlanVm }): number {
    const host = this.hostById.get(hostId)!;
    if (host.capacityMHz <= 0) return 0;
    const cpu = this.loads.get(hostId)!.cpu;
    const add = extra?.vm.running ? Placement.cpuPerUtil(extra.vm, host) : 0;
    const util = extra?.vm.util;
    let n = 0;
    for (let t = 0; t < cpu.length; t++) if (cpu[t]! + (util ? util[t]! * add : 0) > host.capacityMHz) n++;
    return n;
  }

  /**
   * The cluster's N+1 shortfall (memory MiB, CPU MHz; > 0 is a finding), as consolidation.cluster-n-plus-one
   * computes it, with optional demand added and one host's capacity withdrawn.
   */
  nPlusOneShortfall(
    cluster: string,
    change: { addMemMiB?: number; addCpuMHz?: number; withoutHost?: string } = {},
  ): { memMiB: number | null; cpuMHz: number | null } {
    const mem: number[] = [];
    const cpu: number[] = [];
    for (const h of this.problem.hosts) {
      if (h.cluster !== cluster || !this.isServing(h.id) || h.id === change.withoutHost) continue;
      if (h.memMiB > 0) mem.push(h.memMiB);
      if (h.cores > 0) cpu.push(h.cores * h.coreMHz);
    }
    const load = this.clusters.get(cluster) ?? { memDemandMiB: 0, cpuDemandMHz: 0 };
    const afterLoss = (caps: number[]) => caps.reduce((a, b) => a + b, 0) - Math.max(...caps);
    return {
      memMiB: mem.length > 0 ? load.memDemandMiB + (change.addMemMiB ?? 0) - afterLoss(mem) : null,
      cpuMHz: cpu.length > 0 ? load.cpuDemandMHz + (change.addCpuMHz ?? 0) - afterLoss(cpu) : null,
    };
  }
}
