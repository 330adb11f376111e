/**
 * PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation with minimum-migration-time VM selection: VMs off
 * overloaded hosts, power-aware best-fit-decreasing placement, then whole underloaded hosts emptied when all
 * their VMs fit elsewhere. Planning edits the live allocation and undoes it at the end (save/restore), as
 * CloudSim does, so every check sees the same intermediate states.
 */
import type { CloudSimHostType } from '../cloudsim';
import type { CloudSimDatacenter, CloudSimHost } from './datacenter';
import type { OverloadDetector } from './overload-detection';

export interface Migration {
  vm: number;
  host: number;
}

/**
 * What a policy decides. `allowed` and `accepts` must depend on the host's state (its VMs, capacity, type), not
 * on its id: the host search relies on it to look at one pristine host per type (see findHostForVm).
 */
export interface PlannerRules {
  detect: OverloadDetector;
  /** A hard placement constraint (hyperaudit's perimeters); CloudSim's policies allow every host. */
  allowed?: (dc: CloudSimDatacenter, vm: number, host: CloudSimHost) => boolean;
  /** Whether a target takes the VM without overloading; CloudSim asks its overload detector. */
  accepts?: (dc: CloudSimDatacenter, host: CloudSimHost, vm: number) => boolean;
  /**
   * Price a move at the host's power after minus before the move, counting an empty host's idle power.
   * CloudSim compares against the host's power at its last update, so switching a host on looks cheap.
   */
  truePowerCost?: boolean;
  /** Only hosts below this utilisation are emptied (CloudSim: any active host, least loaded first). */
  underloadBelow?: number;
}

/** PowerVmAllocationPolicyMigrationAbstract.getUtilizationOfCpuMips (a VM migrating in counts in full). */
function plannedMips(h: CloudSimHost): number {
  if (h.migratingIn.length === 0) return h.allocatedSum();
  let mips = 0;
  for (const vm of h.vms) {
    const allocated = h.allocatedFor(vm);
    if (h.migratingIn.length > 0 && h.migratingIn.includes(vm)) mips += (allocated * 0.9) / 0.1;
    mips += allocated;
  }
  return mips;
}

/** Host ids as flags: planning asks "excluded?" hundreds of millions of times a day. */
export type HostFlags = Uint8Array;

// Host types already looked at through a pristine host in the current search (findHostForVm never re-enters).
const pristineTypesSeen: CloudSimHostType[] = [];

/**
 * findHostForVm(vm, excluded): the allowed host whose power rises least, skipping hosts the VM would overload.
 * The power rise is computed first and the (side-effect free, costlier) overload check only for a host that
 * would become the new best: the same host wins as in CloudSim's check-then-compare order.
 * Pristine hosts (empty since their last update) of one type all give the same answer; since only a strictly
 * lower rise replaces the best, no pristine host after the first of its type can win, so they are skipped.
 */
export function findHostForVm(
  dc: CloudSimDatacenter,
  rules: PlannerRules,
  vm: number,
  excluded: HostFlags,
): CloudSimHost | undefined {
  let minPower = Number.MAX_VALUE;
  let best: CloudSimHost | undefined;
  const request = dc.vms.requested(vm);
  const instantiating = dc.vms.instantiating[vm] === 1;
  pristineTypesSeen.length = 0;
  for (const h of dc.hosts) {
    if (excluded[h.id]) continue;
    if (h.isPristine()) {
      if (pristineTypesSeen.includes(h.type)) continue;
      pristineTypesSeen.push(h.type);
    }
    if (instantiating ? !dc.isSuitable(h, vm) : h.peMips < request || h.available < request) continue;
    if (rules.allowed && !rules.allowed(dc, vm, h)) continue;
    const mips = plannedMips(h);
    const after = h.power(Math.min(1, (mips + request) / h.totalMips));
    const before = !rules.truePowerCost ? h.storedPower() : mips === 0 ? 0 : h.power(Math.min(1, mips / h.totalMips));
    const diff = after - before;
    if (!(diff < minPower)) continue;
    if (rules.accepts) {
      if (!rules.accepts(dc, h, vm)) continue;
    } else if (mips !== 0 && rules.detect(dc, h, vm)) continue;
    minPower = diff;
    best = h;
  }
  return best;
}

/** PowerVmList.sortByCpuUtilization: stable, highest current MIPS first. */
function sortByLoad(dc: CloudSimDatacenter, vms: number[]): number[] {
  const t = dc.clock;
  const load = new Map(vms.map((vm) => [vm, dc.vms.utilizationAt(vm, t) * dc.vms.mips[vm]!]));
  return vms.sort((a, b) => load.get(b)! - load.get(a)!);
}

/** PowerVmSelectionPolicyMinimumMigrationTime: the first VM not migrating with the least RAM. */
function minimumMigrationTime(dc: CloudSimDatacenter, h: CloudSimHost): number | undefined {
  let best: number | undefined;
  let min = Number.MAX_VALUE;
  for (const vm of h.vms) {
    if (dc.vms.inMigration[vm]) continue;
    const ram = dc.vms.ramMb[vm]!;
    if (ram < min) {
      min = ram;
      best = vm;
    }
  }
  return best;
}

function placeAll(
  dc: CloudSimDatacenter,
  rules: PlannerRules,
  vms: number[],
  excluded: HostFlags,
  allOrNothing: boolean,
): Migration[] {
  const out: Migration[] = [];
  for (const vm of sortByLoad(dc, vms)) {
    const h = findHostForVm(dc, rules, vm, excluded);
    if (h) {
      dc.vmCreate(h, vm);
      out.push({ vm, host: h.id });
    } else if (allOrNothing) {
      // "Not all VMs can be reallocated from the host, reallocation cancelled".
      for (const m of out) dc.vmDestroy(dc.hosts[m.host]!, m.vm);
      return [];
    }
  }
  return out;
}

function isAllMigratingOutOrAnyIn(dc: CloudSimDatacenter, h: CloudSimHost): boolean {
  for (const vm of h.vms) {
    if (!dc.vms.inMigration[vm]) return false;
    if (h.migratingIn.includes(vm)) return true;
  }
  return true;
}

/** getUnderUtilizedHost: the least-loaded active host (by its last measured utilisation). */
function underUtilizedHost(dc: CloudSimDatacenter, excluded: HostFlags, below = 1): CloudSimHost | undefined {
  let min = below;
  let best: CloudSimHost | undefined;
  for (const h of dc.hosts) {
    if (excluded[h.id]) continue;
    const u = h.utilization();
    if (u > 0 && u < min && !isAllMigratingOutOrAnyIn(dc, h)) {
      min = u;
      best = h;
    }
  }
  return best;
}

function fromUnderUtilizedHosts(dc: CloudSimDatacenter, rules: PlannerRules, overloaded: HostFlags): Migration[] {
  const out: Migration[] = [];
  // CloudSim also excludes the targets of its (still empty) migration map here, so overload targets stay
  // candidates for emptying: a VM can be planned twice in one round, and both moves are counted.
  const notSources = Uint8Array.from(overloaded);
  for (const h of dc.hosts) if (h.utilization() === 0) notSources[h.id] = 1;
  const notTargets = Uint8Array.from(notSources);
  let excludedSources = 0;
  for (const f of notSources) excludedSources += f;
  const mark = (id: number) => {
    if (!notSources[id]) excludedSources++;
    notSources[id] = 1;
  };
  while (excludedSources < dc.hosts.length) {
    const h = underUtilizedHost(dc, notSources, rules.underloadBelow);
    if (!h) break;
    mark(h.id);
    notTargets[h.id] = 1;
    const vms = h.vms.filter((vm) => !dc.vms.inMigration[vm]);
    if (vms.length === 0) continue;
    const placed = placeAll(dc, rules, vms, notTargets, true);
    for (const m of placed) mark(m.host);
    out.push(...placed);
  }
  return out;
}

/** optimizeAllocation: the migrations to start now, in CloudSim's order. */
export function planMigrations(dc: CloudSimDatacenter, rules: PlannerRules): Migration[] {
  const overloadedHosts = dc.hosts.filter((h) => rules.detect(dc, h, -1));
  for (const h of dc.hosts) h.dirty = false;
  const saved: Array<[CloudSimHost, number]> = [];
  for (const h of dc.hosts) for (const vm of h.vms) if (!h.migratingIn.includes(vm)) saved.push([h, vm]);

  const toMigrate: number[] = [];
  for (const h of overloadedHosts) {
    for (;;) {
      const vm = minimumMigrationTime(dc, h);
      if (vm === undefined) break;
      toMigrate.push(vm);
      dc.vmDestroy(h, vm);
      if (!rules.detect(dc, h, -1)) break;
    }
  }
  const overloaded = new Uint8Array(dc.hosts.length);
  for (const h of overloadedHosts) overloaded[h.id] = 1;
  const plan = placeAll(dc, rules, toMigrate, overloaded, false);
  plan.push(...fromUnderUtilizedHosts(dc, rules, overloaded));

  // restoreAllocation. A host planning never touched would be rebuilt exactly as it stands (same VMs, same
  // order, same requests), so only touched hosts are rebuilt; RAM and bandwidth shares drop to the VMs'
  // current requests (0) everywhere, as vmDestroyAll + vmCreate leave them.
  const dirty = dc.hosts.filter((h) => h.dirty);
  for (const h of dc.hosts) h.clearRamBw();
  for (const h of dirty) {
    dc.vmDestroyAll(h);
    dc.reallocateMigratingIn(h);
  }
  for (const [h, vm] of saved) {
    if (!h.dirty) {
      // Planning may have pointed the VM at a trial target (Vm.setHost); restoring sets it back.
      dc.vms.host[vm] = h.id;
      continue;
    }
    if (!dc.vmCreate(h, vm)) throw new Error(`could not restore VM ${vm} on host ${h.id}`);
    dc.vms.table[vm] = h.id;
  }
  for (const h of dc.hosts) h.dirty = false;
  return plan;
}
