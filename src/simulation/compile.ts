/**
 * Turns a Fleet (objects keyed by id) into index-addressed typed arrays: the kernels then add demand into
 * hosts by index with no Map lookups or allocation per step.
 */
import { isRunning } from '../model/vm';
import type { Fleet, HostView, VmView } from '../model/fleet';
import { isPlainTraceName } from '../model/trace-name';
import { DEFAULT_COEFFICIENTS, isEmulatedNic, type PerformanceCoefficients } from './coefficients';
import type { PlacementTimeline } from './placement';
import type { Trace } from './trace';
import { fillFromProfile, fillFromTrace, type BumpCache, type StepClock } from './workload';
import { byId } from '../model/event-order';

export class SimulationInputError extends Error {
  override readonly name = 'SimulationInputError';
}

export interface CompiledFleet {
  clock: StepClock;
  hostIds: string[];
  hostIndex: Map<string, number>;
  clusterIds: string[];
  hostCluster: Int32Array;
  /** Per host: MHz per core, effective cores (threads counted by smtGain), capacity MHz (0 = no CPU inventory). */
  coreMHz: Float64Array;
  effectiveCores: Float64Array;
  capacityMHz: Float64Array;
  hostMemMiB: Float64Array;
  hostNicMbps: Float64Array;
  hostUplinks: Int32Array;
  hostIops: Float64Array;
  /** 11 SPECpower points per host; hasPower says whether the host has a curve. */
  hostPower: Float64Array;
  hasPower: Uint8Array;
  /** 0 for hosts in maintenance mode: they draw no power and take no HA restarts. */
  inService: Uint8Array;
  vmIds: string[];
  vcpus: Float64Array;
  vmMemMiB: Float64Array;
  vmNetMbps: Float64Array;
  vmIops: Float64Array;
  /** Host MHz per Mbps and per IOPS this VM's devices cost (emulated vs paravirtual vs passthrough). */
  nicMHzPerMbps: Float64Array;
  ioMHzPerIops: Float64Array;
  /**
   * Utilisation 0–1: segment s's value at step t is `util[segUtil[s] + t]`. With `utilRows` a V × steps matrix (row
   * per VM, every step filled); otherwise only the steps a VM runs on a host are stored, one after another.
   */
  util: Float32Array;
  /** CSR segments: VM v's segments are segStep/segHost/segUtil[segStart[v] .. segStart[v+1]). */
  segStart: Int32Array;
  segStep: Int32Array;
  segHost: Int32Array;
  /** Where segment s's step 0 would sit in `util` (negative when the segment starts late in compact storage). */
  segUtil: Int32Array;
  vmApp: (string | undefined)[];
  vmRole: (string | undefined)[];
  warnings: string[];
}

export interface CompileOptions {
  clock: StepClock;
  seed: number;
  traces?: ReadonlyMap<string, Trace>;
  placement?: PlacementTimeline;
  coefficients?: PerformanceCoefficients;
  /**
   * Keep every VM's utilisation at every step as a V × steps matrix (the planner reads whole rows, running or not).
   * Without it only the steps a VM runs on a host are synthesised and stored: the kernel reads nothing else, and a
   * replayed window where VMs run a few steps each then fills and touches a fraction of the matrix.
   */
  utilRows?: boolean;
}

const NO_CLUSTER = '(no cluster)';

export function clusterOf(host: Pick<HostView, 'cluster'>): string {
  return host.cluster ?? NO_CLUSTER;
}

export function compileFleet(fleet: Fleet, opts: CompileOptions): CompiledFleet {
  const coef = opts.coefficients ?? DEFAULT_COEFFICIENTS;
  const { clock } = opts;
  const S = clock.steps;
  const warnings: string[] = [];
  const hosts = [...fleet.hosts.values()].sort(byId);
  const H = hosts.length;
  const hostIndex = new Map<string, number>();
  const clusterIndex = new Map<string, number>();
  const clusterIds: string[] = [];
  const c = {
    hostCluster: new Int32Array(H),
    coreMHz: new Float64Array(H),
    effectiveCores: new Float64Array(H),
    capacityMHz: new Float64Array(H),
    hostMemMiB: new Float64Array(H),
    hostNicMbps: new Float64Array(H),
    hostUplinks: new Int32Array(H),
    hostIops: new Float64Array(H),
    hostPower: new Float64Array(H * 11),
    hasPower: new Uint8Array(H),
    inService: new Uint8Array(H),
  };
  const noCpu: string[] = [];
  hosts.forEach((host, h) => {
    hostIndex.set(host.id, h);
    const cluster = clusterOf(host);
    let ci = clusterIndex.get(cluster);
    if (ci === undefined) {
      ci = clusterIds.length;
      clusterIds.push(cluster);
      clusterIndex.set(cluster, ci);
    }
    c.hostCluster[h] = ci;
    if (host.cpu) {
      const cores = host.cpu.sockets * host.cpu.coresPerSocket;
      const threads = host.cpu.threadsPerCore ?? 1;
      c.coreMHz[h] = host.cpu.mhz;
      c.effectiveCores[h] = cores * (1 + coef.smtGain * (threads - 1));
      c.capacityMHz[h] = c.effectiveCores[h]! * host.cpu.mhz;
    } else {
      noCpu.push(host.id);
    }
    c.hostMemMiB[h] = host.memoryMiB ?? 0;
    c.hostNicMbps[h] = (host.nics ?? []).reduce((sum, n) => sum + n.speedMbps, 0);
    c.hostUplinks[h] = host.nics?.length ?? 0;
    c.hostIops[h] = host.storage?.iopsCapacity ?? 0;
    if (host.power) {
      c.hasPower[h] = 1;
      c.hostPower.set(host.power.specpowerWatts, h * 11);
    }
    c.inService[h] = host.maintenanceMode === true ? 0 : 1;
  });
  if (noCpu.length > 0)
    warnings.push(`${noCpu.length} host(s) without CPU inventory; their CPU load is not modelled: ${preview(noCpu)}`);

  const vms = [...fleet.vms.values()].sort(byId);
  const V = vms.length;
  const vcpus = new Float64Array(V);
  const vmMemMiB = new Float64Array(V);
  const vmNetMbps = new Float64Array(V);
  const vmIops = new Float64Array(V);
  const nicMHzPerMbps = new Float64Array(V);
  const ioMHzPerIops = new Float64Array(V);
  const segStart = new Int32Array(V + 1);
  const segStepList: number[] = [];
  const segHostList: number[] = [];
  const vmApp: (string | undefined)[] = new Array(V);
  const vmRole: (string | undefined)[] = new Array(V);
  const unknownHost = new Set<string>();
  const noVcpus: string[] = [];
  const noWorkload: string[] = [];
  const unsafeTrace: string[] = [];
  const bumps: BumpCache = new Map();
  const vmTrace: (Trace | undefined)[] = new Array(V);

  for (let v = 0; v < V; v++) {
    const vm = vms[v]!;
    if (vm.vcpus === undefined) noVcpus.push(vm.id);
    vcpus[v] = vm.vcpus ?? 1;
    vmMemMiB[v] = vm.memoryMiB ?? 0;
    vmNetMbps[v] = vm.workload?.netMbps ?? 0;
    vmIops[v] = vm.workload?.iops ?? 0;
    nicMHzPerMbps[v] = nicCostPerMbps(vm, coef);
    ioMHzPerIops[v] = storageCostPerIops(vm, coef);
    const app = vm.labels?.app;
    const role = vm.labels?.role;
    vmApp[v] = app === undefined ? undefined : String(app);
    vmRole[v] = role === undefined ? undefined : String(role);

    let trace = vm.workload?.trace;
    // Events stored before trace names were checked at ingest may still name a path: skipping that VM's
    // trace (it falls back to its profile) keeps one old event from failing every later run.
    if (trace !== undefined && !isPlainTraceName(trace)) {
      unsafeTrace.push(vm.id);
      trace = undefined;
    }
    if (trace !== undefined) {
      const t = opts.traces?.get(trace);
      if (!t)
        throw new SimulationInputError(
          `VM ${vm.id}: workload.trace ${JSON.stringify(trace)} was not provided (pass the folder holding it with --traces)`,
        );
      vmTrace[v] = t;
    } else if (isRunning(vm) && vm.workload?.cpuAvgPct === undefined && vm.workload?.cpuPeakPct === undefined)
      noWorkload.push(vm.id);

    segStart[v] = segStepList.length;
    const segments = opts.placement?.get(vm.id) ?? [
      { fromStep: 0, hostId: isRunning(vm) ? (vm.hostId ?? null) : null },
    ];
    for (const seg of segments) {
      if (seg.fromStep >= S) break;
      let h = -1;
      if (seg.hostId !== null) {
        const idx = hostIndex.get(seg.hostId);
        if (idx === undefined) unknownHost.add(`${vm.id}→${seg.hostId}`);
        else h = idx;
      }
      const from = Math.max(0, seg.fromStep);
      // A later segment starting at the same step replaces the earlier one.
      if (segStepList.length > segStart[v]! && segStepList[segStepList.length - 1] === from)
        segHostList[segHostList.length - 1] = h;
      else {
        segStepList.push(from);
        segHostList.push(h);
      }
    }
  }
  segStart[V] = segStepList.length;
  const segStep = Int32Array.from(segStepList);
  const segHost = Int32Array.from(segHostList);
  const { util, segUtil } = fillUtil(vms, vmTrace, { segStart, segStep, segHost }, opts, bumps);
  if (noVcpus.length > 0) warnings.push(`${noVcpus.length} VM(s) without vcpus, assumed 1: ${preview(noVcpus)}`);
  if (unsafeTrace.length > 0) {
    warnings.push(
      `${unsafeTrace.length} VM(s) whose field vm.workload.trace is not a plain file name; that trace is not read and the workload profile is used instead: ${preview(unsafeTrace)}`,
    );
  }
  if (noWorkload.length > 0)
    warnings.push(
      `${noWorkload.length} VM(s) without workload, assumed the default profile (10 % average, 30 % peak at 14:00 UTC): ${preview(noWorkload)}`,
    );
  if (unknownHost.size > 0)
    warnings.push(
      `${unknownHost.size} placement(s) name a host that is not in the fleet; those VMs are not modelled there: ${preview([...unknownHost])}`,
    );

  return {
    clock,
    hostIds: hosts.map((h) => h.id),
    hostIndex,
    clusterIds,
    ...c,
    vmIds: vms.map((v) => v.id),
    vcpus,
    vmMemMiB,
    vmNetMbps,
    vmIops,
    nicMHzPerMbps,
    ioMHzPerIops,
    util,
    segStart,
    segStep,
    segHost,
    segUtil,
    vmApp,
    vmRole,
    warnings,
  };
}

/**
 * Synthesises the utilisation the kernel reads: whole rows with `utilRows`, else each running segment's steps (a
 * step's value does not depend on which other steps are filled, so both give the same numbers where both have one).
 */
function fillUtil(
  vms: readonly VmView[],
  vmTrace: readonly (Trace | undefined)[],
  seg: Pick<CompiledFleet, 'segStart' | 'segStep' | 'segHost'>,
  opts: CompileOptions,
  bumps: BumpCache,
): { util: Float32Array; segUtil: Int32Array } {
  const { clock } = opts;
  const S = clock.steps;
  const V = vms.length;
  const { segStart, segStep, segHost } = seg;
  const segUtil = new Int32Array(segStep.length);
  let util: Float32Array;
  const fill = (v: number, offset: number, from: number, to: number) => {
    const trace = vmTrace[v];
    if (trace) fillFromTrace(trace, clock, util, offset, from, to);
    else fillFromProfile(vms[v]!.id, vms[v]!.workload, opts.seed, clock, util, offset, bumps, from, to);
  };
  /** Steps of segment s: to the next segment's start, or the window's end. */
  const endOf = (v: number, s: number) => (s + 1 < segStart[v + 1]! ? segStep[s + 1]! : S);
  if (opts.utilRows) {
    for (let v = 0; v < V; v++) for (let s = segStart[v]!; s < segStart[v + 1]!; s++) segUtil[s] = v * S;
    util = new Float32Array(V * S);
    for (let v = 0; v < V; v++) fill(v, v * S, 0, S);
    return { util, segUtil };
  }
  let length = 0;
  for (let v = 0; v < V; v++)
    for (let s = segStart[v]!; s < segStart[v + 1]!; s++)
      if (segHost[s]! >= 0) length += Math.max(0, endOf(v, s) - segStep[s]!);
  util = new Float32Array(length);
  let at = 0;
  for (let v = 0; v < V; v++)
    for (let s = segStart[v]!; s < segStart[v + 1]!; s++) {
      if (segHost[s]! < 0) continue;
      const from = segStep[s]!;
      const to = endOf(v, s);
      segUtil[s] = at - from;
      if (to <= from) continue;
      fill(v, at - from, from, to);
      at += to - from;
    }
  return { util, segUtil };
}

function nicCostPerMbps(vm: VmView, coef: PerformanceCoefficients): number {
  const nics = vm.nics ?? [];
  if (nics.length === 0) return coef.paravirtualNicMHzPerGbps / 1000;
  let sum = 0;
  for (const nic of nics) {
    if (nic.passthrough) sum += coef.passthroughNicMHzPerGbps;
    else if (isEmulatedNic(nic.adapter)) sum += coef.emulatedNicMHzPerGbps;
    else sum += coef.paravirtualNicMHzPerGbps;
  }
  // Traffic is assumed spread evenly over the VM's adapters.
  return sum / nics.length / 1000;
}

function storageCostPerIops(vm: VmView, coef: PerformanceCoefficients): number {
  const disks = vm.disks ?? [];
  if (disks.length === 0) return coef.paravirtualStorageMHzPer1kIops / 1000;
  let sum = 0;
  for (const d of disks)
    sum +=
      d.controller === 'ide' || d.controller === 'sata'
        ? coef.emulatedStorageMHzPer1kIops
        : coef.paravirtualStorageMHzPer1kIops;
  return sum / disks.length / 1000;
}

function preview(ids: string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}
