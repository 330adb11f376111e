/**
 * CloudSim-compatible accounting: CloudSim 4.0's PlanetLab power example (800 hosts, NPA and DVFS policies,
 * static first-fit placement) reproduced step for step so its published figures can be matched. The rules
 * are those of docs/simulation.md "CloudSim accounting"; each comment names the CloudSim behaviour it copies.
 */
import type { Trace } from './trace';
import { compareTraceNames } from './trace';

export interface CloudSimHostType {
  name: string;
  cores: number;
  mipsPerCore: number;
  ramMb: number;
  /** Watts at 0, 10, …, 100 % load (SPECpower). */
  powerWatts: readonly number[];
}

export interface CloudSimVmType {
  mips: number;
  ramMb: number;
}

export const CLOUDSIM_HOST_TYPES: readonly CloudSimHostType[] = [
  {
    name: 'HP ProLiant ML110 G4',
    cores: 2,
    mipsPerCore: 1860,
    ramMb: 4096,
    powerWatts: [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117],
  },
  {
    name: 'HP ProLiant ML110 G5',
    cores: 2,
    mipsPerCore: 2660,
    ramMb: 4096,
    powerWatts: [93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135],
  },
];

export const CLOUDSIM_VM_TYPES: readonly CloudSimVmType[] = [
  { mips: 2500, ramMb: 870 },
  { mips: 2000, ramMb: 1740 },
  { mips: 1000, ramMb: 1740 },
  { mips: 500, ramMb: 613 },
];

export interface CloudSimOptions {
  /** Number of hosts, host i of type i % 2 (CloudSim: 800). */
  hosts?: number;
  /** Seconds between trace samples and scheduling updates (CloudSim: 300). */
  stepSeconds?: number;
  /** Host index per VM (in sorted trace order) instead of first fit, e.g. to study an over-consolidated placement. */
  placement?: readonly number[];
}

export interface CloudSimPolicyResult {
  energyKWh: number;
  /** SLA time per active host: time allocated < requested over time active, pooled over hosts. */
  slatah: number;
  activeHostSeconds: number;
  violationHostSeconds: number;
}

export interface CloudSimResult {
  vms: number;
  hosts: number;
  hostsUsed: number;
  /** VMs dropped because their request became exactly 0. */
  vmsRemoved: number;
  /** Time of the last scheduling update (s): the span NPA bills. */
  lastUpdateSeconds: number;
  dvfs: CloudSimPolicyResult;
  npa: CloudSimPolicyResult;
  /** Host index of each VM, in sorted trace order. */
  placement: Int32Array;
  traceNames: string[];
}

/** CloudSim's PowerModelSpecPower: table value on a 10 % boundary, linear in between. */
export function cloudSimPower(watts: readonly number[], utilization: number): number {
  // `% 0.1` is a slow library call; only a value within rounding of a tenth can be an exact multiple of 0.1.
  const tenths = utilization * 10;
  if (Math.abs(tenths - Math.round(tenths)) < 1e-9 && utilization % 0.1 === 0) return watts[Math.round(tenths)]!;
  const lo = Math.floor(tenths);
  const hi = Math.ceil(tenths);
  const p1 = watts[lo]!;
  const p2 = watts[hi]!;
  return p1 + ((p2 - p1) / 10) * (utilization - lo / 10) * 100;
}

/** CloudSim's UtilizationModelPlanetLabInMemory.getUtilization. */
function utilizationAt(data: Float64Array, time: number, interval: number): number {
  if (time % interval === 0) return data[Math.trunc(time / interval)]!;
  const t1 = Math.floor(time / interval);
  const t2 = Math.ceil(time / interval);
  const u1 = data[t1]!;
  const u2 = data[t2]!;
  const delta = (u2 - u1) / ((t2 - t1) * interval);
  return u1 + delta * (time - t1 * interval);
}

/** Lowest-id host whose core MIPS, free MIPS and free RAM take the VM (PowerVmAllocationPolicySimple). */
export function cloudSimFirstFit(
  vmTypes: readonly CloudSimVmType[],
  hostTypes: readonly CloudSimHostType[],
): Int32Array {
  const placement = new Int32Array(vmTypes.length);
  const freeMips = hostTypes.map((h) => h.cores * h.mipsPerCore);
  const freeRam = hostTypes.map((h) => h.ramMb);
  for (let v = 0; v < vmTypes.length; v++) {
    const vm = vmTypes[v]!;
    let chosen = -1;
    for (let h = 0; h < hostTypes.length; h++) {
      if (hostTypes[h]!.mipsPerCore >= vm.mips && freeMips[h]! >= vm.mips && freeRam[h]! >= vm.ramMb) {
        chosen = h;
        break;
      }
    }
    if (chosen < 0) throw new RangeError(`VM ${v} (${vm.mips} MIPS, ${vm.ramMb} MB) fits no host`);
    freeMips[chosen]! -= vm.mips;
    freeRam[chosen]! -= vm.ramMb;
    placement[v] = chosen;
  }
  return placement;
}

/** VM i's type: blocks of ceil(N/4) in sorted order (CloudSim's `i / (int) Math.ceil(N / 4.0)`). */
export function cloudSimVmTypes(count: number): CloudSimVmType[] {
  const block = Math.ceil(count / CLOUDSIM_VM_TYPES.length);
  return Array.from({ length: count }, (_, i) => CLOUDSIM_VM_TYPES[Math.floor(i / block)]!);
}

export function simulateCloudSim(input: readonly Trace[], opts: CloudSimOptions = {}): CloudSimResult {
  const traces = [...input].sort((a, b) => compareTraceNames(a.name, b.name));
  const interval = opts.stepSeconds ?? 300;
  const hostCount = opts.hosts ?? 800;
  if (traces.length === 0) throw new RangeError('no traces');
  const samples = traces[0]!.samples.length;
  for (const t of traces) {
    if (t.samples.length !== samples)
      throw new RangeError(`${t.name}: ${t.samples.length} samples, the first trace has ${samples}`);
  }
  const hostTypes = Array.from({ length: hostCount }, (_, i) => CLOUDSIM_HOST_TYPES[i % 2]!);
  const vmTypes = cloudSimVmTypes(traces.length);
  const placement = opts.placement ? Int32Array.from(opts.placement) : cloudSimFirstFit(vmTypes, hostTypes);
  if (placement.length !== traces.length)
    throw new RangeError(`placement names ${placement.length} VMs, there are ${traces.length}`);

  // data[k] = percent/100, plus a copy of the last sample so interpolation past it stays defined.
  const data = traces.map((t) => {
    const d = new Float64Array(samples + 1);
    for (let k = 0; k < samples; k++) d[k] = t.samples[k]! / 100;
    d[samples] = d[samples - 1]!;
    return d;
  });

  const V = traces.length;
  const capacity = new Float64Array(hostCount);
  for (let h = 0; h < hostCount; h++) capacity[h] = hostTypes[h]!.cores * hostTypes[h]!.mipsPerCore;
  const vmsOfHost: number[][] = Array.from({ length: hostCount }, () => []);
  for (let v = 0; v < V; v++) {
    const h = placement[v]!;
    if (h < 0 || h >= hostCount) throw new RangeError(`VM ${v} placed on host ${h}, outside 0..${hostCount - 1}`);
    vmsOfHost[h]!.push(v);
  }
  const used = vmsOfHost.filter((l) => l.length > 0).length;

  const removed = new Uint8Array(V);
  const request = new Float64Array(V);
  const prevU = new Float64Array(hostCount);
  const prevAllocated = new Float64Array(hostCount);
  const prevRequested = new Float64Array(hostCount);
  let removedCount = 0;
  let energyJ = 0;
  let activeS = 0;
  let violationS = 0;
  let prevTime = 0;

  // Workloads start at 0.1 s; CloudSim updates every `interval` after that, the last before the end.
  for (let k = 1; k < samples; k++) {
    const time = interval * k + 0.1;
    const dt = time - prevTime;
    for (let h = 0; h < hostCount; h++) {
      const vms = vmsOfHost[h]!;
      if (vms.length === 0) continue;
      let requested = 0;
      for (const v of vms) {
        request[v] = removed[v] ? 0 : utilizationAt(data[v]!, time, interval) * vmTypes[v]!.mips;
        requested += request[v]!;
      }
      const cap = capacity[h]!;
      let allocated = 0;
      if (requested <= cap) allocated = requested;
      else for (const v of vms) allocated += Math.floor((request[v]! * cap) / requested);
      const u = allocated / cap;
      // Power follows load, trapezoid over the interval; a host idle at the start of it is off.
      if (prevU[h]! > 0)
        energyJ +=
          ((cloudSimPower(hostTypes[h]!.powerWatts, prevU[h]!) + cloudSimPower(hostTypes[h]!.powerWatts, u)) / 2) * dt;
      if (prevAllocated[h]! > 0) {
        activeS += dt;
        if (prevAllocated[h]! < prevRequested[h]!) violationS += dt;
      }
      prevU[h] = u;
      prevAllocated[h] = allocated;
      prevRequested[h] = requested;
      for (const v of vms) {
        if (!removed[v] && request[v] === 0) {
          removed[v] = 1;
          removedCount++;
        }
      }
    }
    prevTime = time;
  }

  let fullPowerW = 0;
  for (const t of hostTypes) fullPowerW += t.powerWatts[10]!;
  const slatah = activeS > 0 ? violationS / activeS : 0;
  const policy = (energy: number): CloudSimPolicyResult => ({
    energyKWh: energy / 3.6e6,
    slatah,
    activeHostSeconds: activeS,
    violationHostSeconds: violationS,
  });
  return {
    vms: V,
    hosts: hostCount,
    hostsUsed: used,
    vmsRemoved: removedCount,
    lastUpdateSeconds: prevTime,
    dvfs: policy(energyJ),
    npa: policy(fullPowerW * prevTime),
    placement,
    traceNames: traces.map((t) => t.name),
  };
}
