/**
 * PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation with minimum-migration-time VM selection: VMs off
 * overloaded hosts, power-aware best-fit-decreasing placement, then whole underloaded hosts emptied when all
 * their VMs fit elsewhere. Planning edits the live allocation and undoes it at the end (save/restore), as
 * CloudSim does, so every check sees the same intermediate states.
 */
import type { CloudSimDatacenter, CloudSimHost } from './datacenter';
import type { OverloadDetector } from './overload-detection';

export interface Migration {
  vm: number;
  host: number;
}

export interface PlannerRules {
  detect: OverloadDetector;
  /** A hard placement constraint (hyperaudit's perimeters); CloudSim's policies allow every host. */
  allowed?: (vm: number, host: number) => boolean;
}

/** PowerVmAllocationPolicyMigrationAbstract.getUtilizationOfCpuMips (a VM migrating in counts in full). */
function plannedMips(dc: CloudSimDatacenter, h: CloudSimHost): number {
  let mips = 0;
  for (const vm of h.vms) {
    if (h.migratingIn.includes(vm)) mips += (h.allocatedFor(vm) * 0.9) / 0.1;
    mips += h.allocatedFor(vm);
  }
  return mips;
}

/** isHostOverUtilizedAfterAllocation: place the VM, ask the detector, take the VM back. */
function overloadedWith(dc: CloudSimDatacenter, rules: PlannerRules, h: CloudSimHost, vm: number): boolean {
  if (!dc.vmCreate(h, vm)) return true;
  const over = rules.detect(dc, h);
  dc.vmDestroy(h, vm);
  return over;
}

/** findHostForVm(vm, excluded): the allowed host whose power rises least, skipping hosts it would overload. */
export function findHostForVm(
  dc: CloudSimDatacenter,
  rules: PlannerRules,
  vm: number,
  excluded: ReadonlySet<number>,
): CloudSimHost | undefined {
  let minPower = Number.MAX_VALUE;
  let best: CloudSimHost | undefined;
  const request = dc.vms.requested(vm);
  for (const h of dc.hosts) {
    if (excluded.has(h.id) || !dc.isSuitable(h, vm)) continue;
    if (rules.allowed && !rules.allowed(vm, h.id)) continue;
    const mips = plannedMips(dc, h);
    if (mips !== 0 && overloadedWith(dc, rules, h, vm)) continue;
    const after = h.power((mips + request) / h.totalMips);
    const diff = after - h.power();
    if (diff < minPower) {
      minPower = diff;
      best = h;
    }
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
  excluded: ReadonlySet<number>,
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
function underUtilizedHost(dc: CloudSimDatacenter, excluded: ReadonlySet<number>): CloudSimHost | undefined {
  let min = 1;
  let best: CloudSimHost | undefined;
  for (const h of dc.hosts) {
    if (excluded.has(h.id)) continue;
    const u = h.utilization();
    if (u > 0 && u < min && !isAllMigratingOutOrAnyIn(dc, h)) {
      min = u;
      best = h;
    }
  }
  return best;
}

function fromUnderUtilizedHosts(dc: CloudSimDatacenter, rules: PlannerRules, overloaded: Set<number>): Migration[] {
  const out: Migration[] = [];
  const switchedOff = dc.hosts.filter((h) => h.utilization() === 0).map((h) => h.id);
  // CloudSim also excludes the targets of its (still empty) migration map here, so overload targets stay
  // candidates for emptying: a VM can be planned twice in one round, and both moves are counted.
  const notSources = new Set([...overloaded, ...switchedOff]);
  const notTargets = new Set([...overloaded, ...switchedOff]);
  while (notSources.size < dc.hosts.length) {
    const h = underUtilizedHost(dc, notSources);
    if (!h) break;
    notSources.add(h.id);
    notTargets.add(h.id);
    const vms = h.vms.filter((vm) => !dc.vms.inMigration[vm]);
    if (vms.length === 0) continue;
    const placed = placeAll(dc, rules, vms, notTargets, true);
    for (const m of placed) notSources.add(m.host);
    out.push(...placed);
  }
  return out;
}

/** optimizeAllocation: the migrations to start now, in CloudSim's order. */
export function planMigrations(dc: CloudSimDatacenter, rules: PlannerRules): Migration[] {
  const overloadedHosts = dc.hosts.filter((h) => rules.detect(dc, h));
  const saved: Array<[CloudSimHost, number]> = [];
  for (const h of dc.hosts) for (const vm of h.vms) if (!h.migratingIn.includes(vm)) saved.push([h, vm]);

  const toMigrate: number[] = [];
  for (const h of overloadedHosts) {
    for (;;) {
      const vm = minimumMigrationTime(dc, h);
      if (vm === undefined) break;
      toMigrate.push(vm);
      dc.vmDestroy(h, vm);
      if (!rules.detect(dc, h)) break;
    }
  }
  const overloaded = new Set(overloadedHosts.map((h) => h.id));
  const plan = placeAll(dc, rules, toMigrate, overloaded, false);
  plan.push(...fromUnderUtilizedHosts(dc, rules, overloaded));

  // restoreAllocation.
  for (const h of dc.hosts) {
    dc.vmDestroyAll(h);
    dc.reallocateMigratingIn(h);
  }
  for (const [h, vm] of saved) {
    if (!dc.vmCreate(h, vm)) throw new Error(`could not restore VM ${vm} on host ${h.id}`);
    dc.vms.table[vm] = h.id;
  }
  return plan;
}
