import type { Fleet, HostView, VmView } from '../model/fleet';
import type { Perimeter } from '../model/perimeter';
import type { ResourceType } from '../model/finding';
import {
  readAvailability,
  readSimulation,
  type HostSimulation,
  type StoredAvailability,
} from './facts/simulation-input';
import { byId } from '../model/event-order';

/**
 * Lookups every fact needs, built once per audit so per-resource facts stay O(neighbours), not O(fleet).
 */
export interface FleetIndex {
  fleet: Fleet;
  /** The fleet's VMs in id order (`contextsOf`'s order). */
  vmsInIdOrder: readonly VmView[];
  /** The fleet's hosts in id order. */
  hostsInIdOrder: readonly HostView[];
  vmsByHost: Map<string, VmView[]>;
  hostsByCluster: Map<string, HostView[]>;
  vmsByPerimeter: Map<string, VmView[]>;
  /** Per-host simulation results, or undefined when no simulation has been stored. */
  simulation: Map<string, HostSimulation> | undefined;
  /** Cluster, VM and replica-set availability figures of the stored simulation; undefined when none is stored. */
  availability: StoredAvailability | undefined;
  /** Memo for `perimetersOfHost`. */
  hostPerimeters: Map<string, readonly string[]>;
  /**
   * VMs per perimeter summed over every shard of a sharded audit, whose fleet-level evaluation holds no VMs;
   * absent when the index holds the whole fleet.
   */
  perimeterMemberCounts?: ReadonlyMap<string, number>;
  /**
   * The audit's time (ISO 8601), which age facts (snapshot age) measure against, so facts never read the clock;
   * absent when the caller audits no particular moment (plans), and then those facts are not reported.
   */
  auditedAt?: string;
}

export function indexFleet(fleet: Fleet, simulationMeta?: unknown, auditedAt?: string): FleetIndex {
  // A store's full read returns entities in whatever order its parallel scan segments answered, so the lists are put
  // in id order: a fact that picks the first of them (a cluster's datacenter) or sums them in floating point
  // must give the same value on every read, or an unchanged fleet rewrites its findings. The VMs and hosts are
  // sorted once, and every list built from them in that order: the evaluation walks them in id order too.
  const vmsInIdOrder = [...fleet.vms.values()].sort(byId);
  const hostsInIdOrder = [...fleet.hosts.values()].sort(byId);
  const vmsByHost = new Map<string, VmView[]>();
  const vmsByPerimeter = new Map<string, VmView[]>();
  for (const vm of vmsInIdOrder) {
    if (vm.hostId !== undefined) push(vmsByHost, vm.hostId, vm);
    if (vm.perimeter !== undefined) push(vmsByPerimeter, vm.perimeter, vm);
  }
  const hostsByCluster = new Map<string, HostView[]>();
  for (const host of hostsInIdOrder) if (host.cluster !== undefined) push(hostsByCluster, host.cluster, host);
  return {
    fleet,
    vmsInIdOrder,
    hostsInIdOrder,
    vmsByHost,
    hostsByCluster,
    vmsByPerimeter,
    simulation: readSimulation(simulationMeta),
    availability: readAvailability(simulationMeta),
    hostPerimeters: new Map(),
    ...(auditedAt !== undefined && { auditedAt }),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface HostContext {
  type: 'host';
  id: string;
  host: HostView;
  vms: readonly VmView[];
  index: FleetIndex;
}
export interface VmContext {
  type: 'vm';
  id: string;
  vm: VmView;
  host: HostView | undefined;
  perimeter: Perimeter | undefined;
  index: FleetIndex;
}
export interface ClusterContext {
  type: 'cluster';
  id: string;
  hosts: readonly HostView[];
  index: FleetIndex;
}
export interface PerimeterContext {
  type: 'perimeter';
  id: string;
  perimeter: Perimeter;
  vms: readonly VmView[];
  index: FleetIndex;
}
export type ResourceContext = HostContext | VmContext | ClusterContext | PerimeterContext;
export type ContextOf<T extends ResourceType> = Extract<ResourceContext, { type: T }>;

const NO_VMS: readonly VmView[] = [];

/**
 * Every context, whatever its type, is this one class, the fields its type lacks undefined: one shape, where object
 * literals of four were four. The audit's evaluation is optimised while it walks the first type's resources, and met
 * each next type's contexts as a "wrong map": thrown away (deoptimised) and compiled again, type after type. Each
 * builder below returns it as its type's interface.
 */
class AnyContext {
  host: HostView | undefined = undefined;
  vm: VmView | undefined = undefined;
  perimeter: Perimeter | undefined = undefined;
  vms: readonly VmView[] | undefined = undefined;
  hosts: readonly HostView[] | undefined = undefined;
  constructor(
    readonly type: ResourceType,
    readonly id: string,
    readonly index: FleetIndex,
  ) {}
}

export function hostContext(index: FleetIndex, host: HostView): HostContext {
  const ctx = new AnyContext('host', host.id, index);
  ctx.host = host;
  ctx.vms = index.vmsByHost.get(host.id) ?? NO_VMS;
  return ctx as HostContext;
}
export function vmContext(index: FleetIndex, vm: VmView): VmContext {
  const ctx = new AnyContext('vm', vm.id, index);
  ctx.vm = vm;
  ctx.host = vm.hostId !== undefined ? index.fleet.hosts.get(vm.hostId) : undefined;
  ctx.perimeter = vm.perimeter !== undefined ? index.fleet.perimeters.get(vm.perimeter) : undefined;
  return ctx as VmContext;
}
export function clusterContext(index: FleetIndex, id: string): ClusterContext {
  const ctx = new AnyContext('cluster', id, index);
  ctx.hosts = index.hostsByCluster.get(id) ?? [];
  return ctx as ClusterContext;
}
export function perimeterContext(index: FleetIndex, perimeter: Perimeter): PerimeterContext {
  const ctx = new AnyContext('perimeter', perimeter.id, index);
  ctx.perimeter = perimeter;
  ctx.vms = index.vmsByPerimeter.get(perimeter.id) ?? NO_VMS;
  return ctx as PerimeterContext;
}

/** Every resource of one type, in id order so output is stable. */
export function contextsOf(index: FleetIndex, type: ResourceType, only?: ReadonlySet<string>): ResourceContext[] {
  const keep = (id: string) => only === undefined || only.has(id);
  const out: ResourceContext[] = [];
  switch (type) {
    case 'host':
      for (const h of index.hostsInIdOrder) if (keep(h.id)) out.push(hostContext(index, h));
      return out;
    case 'vm':
      for (const v of index.vmsInIdOrder) if (keep(v.id)) out.push(vmContext(index, v));
      return out;
    case 'cluster':
      for (const id of index.hostsByCluster.keys()) if (keep(id)) out.push(clusterContext(index, id));
      break;
    case 'perimeter':
      for (const p of index.fleet.perimeters.values()) if (keep(p.id)) out.push(perimeterContext(index, p));
      break;
  }
  return out.sort(byId);
}

/**
 * Where a resource sits, shown beside its id in every output: its cluster and datacenter, undefined when unknown.
 * Two values rather than an object: an audit asks for every resource with a hit (100,000+).
 */
export function resourceCluster(ctx: ResourceContext): string | undefined {
  if (ctx.type === 'host' || ctx.type === 'vm') return ctx.host?.cluster;
  return ctx.type === 'cluster' ? ctx.id : undefined;
}

/** See `resourceCluster`. A cluster spanning datacenters is placed in its first host's (by id) that reports one. */
export function resourceDatacenter(ctx: ResourceContext): string | undefined {
  if (ctx.type === 'host' || ctx.type === 'vm') return ctx.host?.datacenter;
  return ctx.type === 'cluster' ? ctx.hosts.find((h) => h.datacenter !== undefined)?.datacenter : undefined;
}

export function resourceName(ctx: ResourceContext): string | undefined {
  switch (ctx.type) {
    case 'host':
      return ctx.host.name;
    case 'vm':
      return ctx.vm.name;
    case 'perimeter':
      return ctx.perimeter.name;
    case 'cluster':
      return undefined;
  }
}
