/**
 * CloudSim 4.0's power datacenter state, reproduced to the operation: hosts with their VM lists and
 * VmSchedulerTimeSharedOverSubscription, VMs with their cached requests and utilisation history, and the
 * host / VM state histories the SLA metrics are computed from (here accumulated as they are written).
 * Each method names the CloudSim method it stands for; docs/consolidation.md lists the quirks kept.
 */
import { cloudSimPower, type CloudSimHostType, type CloudSimVmType } from '../cloudsim';

/** PowerVm.HISTORY_LENGTH. */
export const HISTORY_LENGTH = 30;
/** Host bandwidth (bit/s) in CloudSim's examples; a migration takes RAM / (bw / 16000) seconds. */
const HOST_BW = 1_000_000;
const VM_BW = 100_000;
/** Cloudlet length (MI) is never reached on a PlanetLab day, so cloudlets never finish and are not modelled. */

export class CloudSimHost {
  readonly peMips: number;
  readonly totalMips: number;
  /** Host.vmList, in insertion order; changed only through addVm / removeVm / clearVms. */
  readonly vms: number[] = [];
  /** Bumped at every change of `vms`, so sums over the VM list can be cached between changes. */
  vmsVersion = 0;
  /**
   * PowerHostUtilizationHistory's sum of its VMs' histories (MIPS-weighted, before trimming), kept with the VM
   * list version and VM history epoch it was summed at: detectors ask for it for every candidate target.
   */
  readonly historySum = new Float64Array(HISTORY_LENGTH);
  historySumVersion = -1;
  historySumEpoch = -1;
  /** Host.vmsMigratingIn. */
  readonly migratingIn: number[] = [];
  /**
   * VmSchedulerTimeShared.mipsMapRequested and mipsMap as parallel arrays in insertion order (one PE per VM in
   * these examples; both maps always hold the same VMs). A handful of VMs per host: a scan beats hashing.
   */
  readonly schedVm: number[] = [];
  readonly schedRequested: number[] = [];
  readonly schedAllocated: number[] = [];
  available: number;
  readonly schedIn = new Set<number>();
  readonly schedOut = new Set<number>();
  ramAvailable: number;
  bwAvailable = HOST_BW;
  readonly ram = new Map<number, number>();
  readonly bw = new Map<number, number>();
  utilizationMips = 0;
  previousUtilizationMips = 0;
  /** Power at utilizationMips, refreshed at each update. */
  private stored = Number.NaN;
  /** allocatedSum() until the allocation changes. */
  private sum = Number.NaN;
  /** Touched while planning (its allocation must be restored). */
  dirty = false;
  // Last state-history entry and the SLATAH sums of the entries before it.
  lastTime = -1;
  lastAllocated = 0;
  lastRequested = 0;
  lastActive = true;
  activeSeconds = 0;
  violationSeconds = 0;

  constructor(
    readonly id: number,
    readonly type: CloudSimHostType,
  ) {
    this.peMips = type.mipsPerCore;
    this.totalMips = type.cores * type.mipsPerCore;
    this.available = this.totalMips;
    this.ramAvailable = type.ramMb;
  }

  addVm(vm: number): void {
    this.vms.push(vm);
    this.vmsVersion++;
  }

  removeVm(vm: number): void {
    removeFirst(this.vms, vm);
    this.vmsVersion++;
  }

  clearVms(): void {
    this.vms.length = 0;
    this.vmsVersion++;
  }

  /**
   * Empty, with nothing allocated and nothing used at its last update: every such host of one type looks the
   * same to a placement (same power before and after, same room), whatever its id.
   */
  isPristine(): boolean {
    return (
      this.vms.length === 0 &&
      this.schedVm.length === 0 &&
      this.migratingIn.length === 0 &&
      this.utilizationMips === 0 &&
      this.available === this.totalMips &&
      this.ramAvailable === this.type.ramMb &&
      this.bwAvailable === HOST_BW
    );
  }

  /** HostDynamicWorkload.getUtilizationOfCpu: values just above 1 are rounded down to 1. */
  utilization(mips = this.utilizationMips): number {
    const u = mips / this.totalMips;
    return u > 1 && u < 1.01 ? 1 : u;
  }

  power(u = this.utilization()): number {
    if (u < 0 || u > 1) throw new RangeError(`host ${this.id}: utilisation ${u} outside 0..1`);
    return cloudSimPower(this.type.powerWatts, u);
  }

  /** PowerHost.getPower: at the utilisation of the last update (planning does not move it). */
  storedPower(): number {
    if (Number.isNaN(this.stored)) this.stored = this.power();
    return this.stored;
  }

  setUtilizationMips(mips: number): void {
    this.utilizationMips = mips;
    this.stored = Number.NaN;
  }

  /** Sum of the allocations in the scheduler's order (the VM list's order: both append and remove alike). */
  allocatedSum(): number {
    if (Number.isNaN(this.sum)) {
      let sum = 0;
      for (const a of this.schedAllocated) sum += a;
      this.sum = sum;
    }
    return this.sum;
  }

  /** VmScheduler.getTotalAllocatedMipsForVm. */
  allocatedFor(vm: number): number {
    const i = this.schedVm.indexOf(vm);
    return i < 0 ? 0 : this.schedAllocated[i]!;
  }

  hasAllocation(vm: number): boolean {
    return this.schedVm.includes(vm);
  }

  /** VmSchedulerTimeSharedOverSubscription.allocatePesForVm(String, List). */
  allocateInner(vm: number, mips: number): void {
    this.sum = Number.NaN;
    const capped = Math.min(mips, this.peMips);
    let total = capped;
    let i = this.schedVm.indexOf(vm);
    if (i < 0) {
      i = this.schedVm.length;
      this.schedVm.push(vm);
      this.schedAllocated.push(0);
    }
    this.schedRequested[i] = mips;
    const migratingIn = this.schedIn.size > 0 && this.schedIn.has(vm);
    if (migratingIn) total *= 0.1;
    if (this.available >= total) {
      let share = capped;
      if (this.schedOut.size > 0 && this.schedOut.has(vm)) share *= 0.9;
      else if (migratingIn) share *= 0.1;
      this.schedAllocated[i] = share;
      this.available -= total;
    } else {
      this.redistribute();
    }
  }

  /** VmSchedulerTimeSharedOverSubscription.redistributeMipsDueToOverSubscription: floor of a common scale. */
  private redistribute(): void {
    const n = this.schedVm.length;
    let required = 0;
    for (let i = 0; i < n; i++) {
      const mips = this.schedRequested[i]!;
      let r = Math.min(mips, this.peMips);
      if (this.schedIn.has(this.schedVm[i]!)) r *= 0.1;
      required += r;
    }
    const scale = this.totalMips / required;
    for (let i = 0; i < n; i++) {
      const vm = this.schedVm[i]!;
      const mips = this.schedRequested[i]!;
      let m = Math.min(mips, this.peMips);
      if (this.schedOut.has(vm)) m = m * scale * 0.9;
      else if (this.schedIn.has(vm)) m = m * 0.1 * scale;
      else m *= scale;
      this.schedAllocated[i] = Math.floor(m);
    }
    this.available = 0;
  }

  /** VmSchedulerTimeShared.deallocatePesForVm: drop one VM and re-allocate the others from scratch. */
  deallocate(vm: number): void {
    this.sum = Number.NaN;
    const i = this.schedVm.indexOf(vm);
    if (i >= 0) {
      this.schedVm.splice(i, 1);
      this.schedRequested.splice(i, 1);
      this.schedAllocated.splice(i, 1);
    }
    this.rebuild();
  }

  /** Re-allocate every requested VM in insertion order (what deallocatePesForVm does after its removal). */
  rebuild(): void {
    this.sum = Number.NaN;
    this.available = this.totalMips;
    const n = this.schedVm.length;
    const vms = this.schedVm.slice();
    const requested = this.schedRequested.slice();
    this.schedVm.length = 0;
    this.schedRequested.length = 0;
    this.schedAllocated.length = 0;
    for (let i = 0; i < n; i++) this.allocateInner(vms[i]!, requested[i]!);
  }

  /** VmSchedulerTimeShared.deallocatePesForAllVms. */
  deallocateAll(): void {
    this.sum = Number.NaN;
    this.schedVm.length = 0;
    this.schedRequested.length = 0;
    this.schedAllocated.length = 0;
    this.available = this.totalMips;
  }

  /** Drop the listed VMs' requests, then re-allocate the rest (deallocatePesForVm for each of them). */
  deallocateMany(vms: readonly number[]): void {
    this.sum = Number.NaN;
    for (const vm of vms) {
      const i = this.schedVm.indexOf(vm);
      if (i >= 0) {
        this.schedVm.splice(i, 1);
        this.schedRequested.splice(i, 1);
        this.schedAllocated.splice(i, 1);
      }
    }
    this.rebuild();
  }

  /** RamProvisionerSimple / BwProvisionerSimple allocate: release the VM's share, then take the new one. */
  takeRam(vm: number, mb: number): boolean {
    if (mb === 0 && this.ram.size === 0) return true;
    this.ramAvailable += this.ram.get(vm) ?? 0;
    this.ram.delete(vm);
    if (this.ramAvailable < mb) return false;
    this.ramAvailable -= mb;
    this.ram.set(vm, mb);
    return true;
  }

  takeBw(vm: number, bw: number): boolean {
    if (bw === 0 && this.bw.size === 0) return true;
    this.bwAvailable += this.bw.get(vm) ?? 0;
    this.bw.delete(vm);
    if (this.bwAvailable < bw) return false;
    this.bwAvailable -= bw;
    this.bw.set(vm, bw);
    return true;
  }

  clearRamBw(): void {
    if (this.ram.size === 0 && this.bw.size === 0) return;
    this.ram.clear();
    this.ramAvailable = this.type.ramMb;
    this.bw.clear();
    this.bwAvailable = HOST_BW;
  }

  releaseRamBw(vm: number): void {
    if (this.ram.size === 0 && this.bw.size === 0) return;
    this.ramAvailable += this.ram.get(vm) ?? 0;
    this.ram.delete(vm);
    this.bwAvailable += this.bw.get(vm) ?? 0;
    this.bw.delete(vm);
  }

  /** HostDynamicWorkload.addStateHistoryEntry, with Helper.getSlaTimePerActiveHost folded in. */
  addState(time: number, allocated: number, requested: number, active: boolean): void {
    if (this.lastTime === time) {
      this.lastAllocated = allocated;
      this.lastRequested = requested;
      this.lastActive = active;
      return;
    }
    if (this.lastTime !== -1 && this.lastActive) {
      const dt = time - this.lastTime;
      this.activeSeconds += dt;
      if (this.lastAllocated < this.lastRequested) this.violationSeconds += dt;
    }
    this.lastTime = time;
    this.lastAllocated = allocated;
    this.lastRequested = requested;
    this.lastActive = active;
  }
}

/** Per-VM state in flat arrays (1,052 VMs, touched millions of times per day). */
export class CloudSimVms {
  readonly count: number;
  readonly mips: Float64Array;
  readonly ramMb: Int32Array;
  /** Host in the allocation policy's vmTable (-1: none) and Vm.getHost (they differ while planning). */
  readonly table: Int32Array;
  readonly host: Int32Array;
  readonly inMigration: Uint8Array;
  readonly instantiating: Uint8Array;
  readonly removed: Uint8Array;
  /** CloudletSchedulerDynamicWorkload.getCurrentRequestedMips, cached at the scheduler's previous time. */
  readonly request: Float64Array;
  readonly requestTime: Float64Array;
  /** PowerVm utilisation history, most recent first. */
  readonly history: Float64Array;
  readonly historyLength: Int32Array;
  readonly historyTime: Float64Array;
  /** Bumped whenever any VM's history gains a value (sums over histories are cached between bumps). */
  historyEpoch = 0;
  // Last VM state-history entry and the SLA sums (Helper.getSlaMetrics) of the entries before it.
  readonly lastTime: Float64Array;
  readonly lastAllocated: Float64Array;
  readonly lastRequested: Float64Array;
  readonly lastInMigration: Uint8Array;
  totalAllocated = 0;
  totalRequested = 0;
  underAllocatedMigration = 0;

  constructor(
    types: readonly CloudSimVmType[],
    readonly data: readonly Float64Array[],
    readonly interval: number,
  ) {
    const n = types.length;
    this.count = n;
    this.mips = Float64Array.from(types, (t) => t.mips);
    this.ramMb = Int32Array.from(types, (t) => t.ramMb);
    this.table = new Int32Array(n).fill(-1);
    this.host = new Int32Array(n).fill(-1);
    this.inMigration = new Uint8Array(n);
    this.instantiating = new Uint8Array(n).fill(1);
    this.removed = new Uint8Array(n);
    this.request = new Float64Array(n);
    this.requestTime = new Float64Array(n);
    this.history = new Float64Array(n * HISTORY_LENGTH);
    this.historyLength = new Int32Array(n);
    this.historyTime = new Float64Array(n);
    this.lastTime = new Float64Array(n).fill(-1);
    this.lastAllocated = new Float64Array(n);
    this.lastRequested = new Float64Array(n);
    this.lastInMigration = new Uint8Array(n);
  }

  /** Vm.getCurrentRequestedTotalMips: the full MIPS while being instantiated, else the cached request. */
  requested(vm: number): number {
    return this.instantiating[vm] ? this.mips[vm]! : this.request[vm]!;
  }

  // The interpolation terms of the last time asked: they depend on the time only, and every VM is asked at the
  // same few times (each update, each migration completion).
  private atTime = Number.NaN;
  private atExact = -1;
  private atT1 = 0;
  private atT2 = 0;
  private atSpan = 0;
  private atOffset = 0;

  /** UtilizationModelPlanetLabInMemory.getUtilization (same operations, so the same bits). */
  utilizationAt(vm: number, time: number): number {
    const d = this.data[vm]!;
    if (time !== this.atTime) {
      const interval = this.interval;
      this.atTime = time;
      this.atExact = time % interval === 0 ? Math.trunc(time) / interval : -1;
      this.atT1 = Math.floor(time / interval);
      this.atT2 = Math.ceil(time / interval);
      this.atSpan = (this.atT2 - this.atT1) * interval;
      this.atOffset = time - this.atT1 * interval;
    }
    if (this.atExact >= 0) return d[this.atExact]!;
    const u1 = d[this.atT1]!;
    const u2 = d[this.atT2]!;
    const delta = (u2 - u1) / this.atSpan;
    return u1 + delta * this.atOffset;
  }

  /** Vm.updateVmProcessing (PowerVm): the cloudlet clock moves to `time`; history on scheduling boundaries. */
  updateProcessing(vm: number, time: number): void {
    if (this.requestTime[vm] !== time) {
      this.requestTime[vm] = time;
      this.request[vm] = this.utilizationAt(vm, time) * this.mips[vm]!;
    }
    if (time > this.historyTime[vm]! && (time - 0.1) % this.interval === 0) {
      const u = this.utilizationAt(vm, time);
      const base = vm * HISTORY_LENGTH;
      this.history.copyWithin(base + 1, base, base + HISTORY_LENGTH - 1);
      this.history[base] = u;
      if (this.historyLength[vm]! < HISTORY_LENGTH) this.historyLength[vm]!++;
      this.historyTime[vm] = time;
      this.historyEpoch++;
    }
  }

  /** Vm.addStateHistoryEntry, with Helper.getSlaMetrics' sums folded in. */
  addState(vm: number, time: number, allocated: number, requested: number, inMigration: boolean): void {
    const last = this.lastTime[vm]!;
    if (last !== time && last !== -1) {
      const dt = time - last;
      const a = this.lastAllocated[vm]!;
      const r = this.lastRequested[vm]!;
      this.totalAllocated += a * dt;
      this.totalRequested += r * dt;
      if (a < r && this.lastInMigration[vm]) this.underAllocatedMigration += (r - a) * dt;
    }
    this.lastTime[vm] = time;
    this.lastAllocated[vm] = allocated;
    this.lastRequested[vm] = requested;
    this.lastInMigration[vm] = inMigration ? 1 : 0;
  }
}

/** The datacenter: hosts, VMs, energy, and the Host / HostDynamicWorkload operations on them. */
export class CloudSimDatacenter {
  energyJoules = 0;
  lastProcessTime = 0;
  clock = 0;

  constructor(
    readonly hosts: CloudSimHost[],
    readonly vms: CloudSimVms,
  ) {}

  /** Host.vmCreate. */
  vmCreate(h: CloudSimHost, vm: number): boolean {
    const v = this.vms;
    h.dirty = true;
    const instantiating = v.instantiating[vm] === 1;
    // Vm.getCurrentRequestedRam/Bw: the cloudlets' RAM and BW models are null, so 0 once instantiated.
    if (!h.takeRam(vm, instantiating ? v.ramMb[vm]! : 0)) return false;
    if (!h.takeBw(vm, instantiating ? VM_BW : 0)) {
      h.releaseRamBw(vm);
      return false;
    }
    this.allocatePes(h, vm);
    h.addVm(vm);
    v.host[vm] = h.id;
    return true;
  }

  /** VmSchedulerTimeShared.allocatePesForVm(Vm, List): marks a VM leaving this host as migrating out. */
  allocatePes(h: CloudSimHost, vm: number): void {
    if (this.vms.inMigration[vm]) {
      if (!h.schedIn.has(vm) && !h.schedOut.has(vm)) h.schedOut.add(vm);
    } else {
      h.schedOut.delete(vm);
    }
    h.allocateInner(vm, this.vms.requested(vm));
  }

  /** Host.vmDestroy. */
  vmDestroy(h: CloudSimHost, vm: number): void {
    h.dirty = true;
    h.releaseRamBw(vm);
    h.deallocate(vm);
    h.removeVm(vm);
    this.vms.host[vm] = -1;
  }

  /** Host.vmDestroyAll. */
  vmDestroyAll(h: CloudSimHost): void {
    h.ram.clear();
    h.ramAvailable = h.type.ramMb;
    h.bw.clear();
    h.bwAvailable = HOST_BW;
    h.deallocateAll();
    for (const vm of h.vms) this.vms.host[vm] = -1;
    h.clearVms();
  }

  /** Host.isSuitableForVm. */
  isSuitable(h: CloudSimHost, vm: number): boolean {
    const v = this.vms;
    const mips = v.requested(vm);
    if (h.peMips < mips || h.available < mips) return false;
    if (!v.instantiating[vm]) return true;
    return h.ramAvailable + (h.ram.get(vm) ?? 0) >= v.ramMb[vm]! && h.bwAvailable + (h.bw.get(vm) ?? 0) >= VM_BW;
  }

  /** Host.addMigratingInVm, including its two immediate host updates. */
  addMigratingIn(h: CloudSimHost, vm: number): void {
    const v = this.vms;
    v.inMigration[vm] = 1;
    if (h.migratingIn.includes(vm)) return;
    h.takeRam(vm, 0);
    h.takeBw(vm, 0);
    h.schedIn.add(vm);
    this.allocatePes(h, vm);
    h.migratingIn.push(vm);
    h.addVm(vm);
    this.updateHost(h, this.clock);
    const source = v.host[vm]!;
    if (source >= 0) this.updateHost(this.hosts[source]!, this.clock);
  }

  /** Host.removeMigratingInVm. */
  removeMigratingIn(h: CloudSimHost, vm: number): void {
    h.releaseRamBw(vm);
    h.deallocate(vm);
    removeFirst(h.migratingIn, vm);
    h.removeVm(vm);
    h.schedIn.delete(vm);
    this.vms.inMigration[vm] = 0;
  }

  /** Host.reallocateMigratingInVms (after a planning round is undone). */
  reallocateMigratingIn(h: CloudSimHost): void {
    for (const vm of h.migratingIn) {
      if (!h.vms.includes(vm)) h.addVm(vm);
      h.schedIn.add(vm);
      h.takeRam(vm, 0);
      h.takeBw(vm, 0);
      this.allocatePes(h, vm);
    }
  }

  /** HostDynamicWorkload.updateVmsProcessing. */
  updateHost(h: CloudSimHost, time: number): void {
    const v = this.vms;
    for (const vm of h.vms) if (h.hasAllocation(vm)) v.updateProcessing(vm, time);
    h.previousUtilizationMips = h.utilizationMips;
    if (h.vms.length === 0 && h.schedVm.length === 0) {
      // An empty host: nothing to reallocate, only its (idle) state to record.
      h.setUtilizationMips(0);
      h.addState(time, 0, 0, false);
      return;
    }
    let utilizationMips = 0;
    let hostRequested = 0;
    // Deallocating every listed VM empties the scheduler when it holds exactly the listed VMs (always, outside
    // a planning round); otherwise the leftovers are re-allocated as CloudSim would.
    if (h.schedVm.length === h.vms.length) h.deallocateAll();
    else h.deallocateMany(h.vms);
    for (const vm of h.vms) this.allocatePes(h, vm);
    for (let i = 0; i < h.vms.length; i++) {
      const vm = h.vms[i]!;
      const requested = v.requested(vm);
      // After the re-allocation above the scheduler usually lists the VMs in the same order.
      let allocated = h.schedVm[i] === vm ? h.schedAllocated[i]! : h.allocatedFor(vm);
      if (!h.migratingIn.includes(vm)) {
        const migrating = v.inMigration[vm] === 1;
        v.addState(vm, time, allocated, requested, migrating);
        // Performance degradation due to migration: the source still bills the VM's full load.
        if (migrating) allocated /= 0.9;
      }
      utilizationMips += allocated;
      hostRequested += requested;
    }
    h.setUtilizationMips(utilizationMips);
    h.addState(time, utilizationMips, hostRequested, utilizationMips > 0);
  }

  /**
   * PowerDatacenter.updateCloudetProcessingWithoutSchedulingFutureEventsForce: every host moves to `time`,
   * energy of the interval by trapezoid, then VMs whose request is exactly 0 are dropped for good.
   */
  update(time: number): void {
    this.clock = time;
    const dt = time - this.lastProcessTime;
    for (const h of this.hosts) this.updateHost(h, time);
    if (dt > 0) {
      for (const h of this.hosts) {
        const from = h.utilization(h.previousUtilizationMips);
        if (from === 0) continue;
        const fromPower = h.power(from);
        const toPower = h.power();
        this.energyJoules += (fromPower + (toPower - fromPower) / 2) * dt;
      }
    }
    const v = this.vms;
    for (const h of this.hosts) {
      if (h.vms.length === 0) continue;
      let done: number[] | undefined;
      for (const vm of h.vms) {
        if (v.inMigration[vm] || v.requested(vm) !== 0) continue;
        done ??= [];
        done.push(vm);
      }
      if (!done) continue;
      for (const vm of done) {
        const owner = v.table[vm]!;
        v.table[vm] = -1;
        if (owner >= 0) this.vmDestroy(this.hosts[owner]!, vm);
        v.removed[vm] = 1;
      }
    }
    this.lastProcessTime = time;
  }

  /** Seconds a migration of `vm` takes: RAM / (host bandwidth / (2 × 8000)). */
  migrationSeconds(vm: number): number {
    return this.vms.ramMb[vm]! / (HOST_BW / (2 * 8000));
  }
}

function removeFirst(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
}
