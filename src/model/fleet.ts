import { z } from 'zod';
import type { Host } from './host';
import type { Vm } from './vm';
import type { Perimeter } from './perimeter';
import {
  applyEvent,
  applyInventories,
  effectiveRemoval,
  emptyState,
  isLive,
  newestComplete,
  poweredOffSpell,
  resolveMovementSources,
  toPlain,
  wholeInventories,
  type EntityState,
  type Movement,
  type Stamp,
  type WholeInventory,
} from './entity-state';
import { byId } from './event-order';
import { isSingleUpsert, SharedValues, singleUpsertPlain, type SingleUpsert } from './single-upsert';

export interface HostView extends Host {
  /** Time of the newest event applied to this host. */
  updatedAt?: string;
}

export interface VmView extends Vm {
  /** Where `perimeter` came from: the VM itself, or inherited from the VM it was cloned from. */
  perimeterSource?: 'own' | 'clone';
  /** Migrations and clone origin, oldest first: the evidence perimeter rules cite. */
  movements: Movement[];
  /**
   * When the current powered-off spell began, from the `vm.power_off` event that started it; absent when the VM
   * is not reported off or no event dated the change (docs/rules.md, "Sprawl rules").
   */
  poweredOffSince?: string;
  /** When the VM is off: the newest sign it was running before (a power-on or a report), which bounds an undated spell. */
  lastSeenRunning?: string;
  updatedAt?: string;
}

/** The current fleet: what audit, simulation and reports read. Pure data, no store handles. */
export interface Fleet {
  hosts: Map<string, HostView>;
  vms: Map<string, VmView>;
  perimeters: Map<string, Perimeter>;
  // --- Full snapshots (issue 21) ---
  /**
   * `host#<id>` / `vm#<id>` → the event that last removed the entity (a remove or an inventory snapshot it was
   * absent from) or, for live ones, the newest complete upsert when it is also their newest event: the evidence a
   * resolved finding cites.
   */
  snapshotEvidence?: Map<string, SnapshotEvidence>;
}

export interface SnapshotEvidence {
  eventId: string;
  time: string;
  effect: 'removed' | 'replaced';
}

export function emptyFleet(): Fleet {
  return { hosts: new Map(), vms: new Map(), perimeters: new Map() };
}

/**
 * An entity's one upsert already made into its fleet object (`materialiseSingle`), so that a reader can let go of the
 * parsed event before the whole fleet is read: marked by a symbol, as `SingleUpsert` is.
 */
const READY: unique symbol = Symbol('materialised single upsert');
export interface MaterialisedSingle {
  [READY]: true;
  kind: 'host' | 'vm' | 'perimeter';
  id: string;
  plain: Record<string, unknown>;
}

function isMaterialisedSingle(x: object): x is MaterialisedSingle {
  return (x as Partial<MaterialisedSingle>)[READY] === true;
}

/**
 * What `materialiseFleet` makes of `entity` on its own: a single upsert needs neither the other entities nor the
 * inventories (it has no scope to be removed by), so its fleet object can be made as soon as it is read. Undefined
 * when its shape needs the fold (`singleUpsertPlain`).
 */
export function materialiseSingle(entity: SingleUpsert, shared: SharedValues): MaterialisedSingle | undefined {
  // Live, no scope for inventories to remove it by, no complete upsert to cite, no movement, no power history.
  const plain = singleUpsertPlain(entity, shared);
  if (plain === undefined) return undefined;
  plain.updatedAt = shared.string('updatedAt', entity.event.time);
  if (entity.kind === 'vm') plain.movements = [];
  return { [READY]: true, kind: entity.kind, id: entity.id, plain };
}

/**
 * Turns entity states into the fleet as it stands: removed entities dropped, clones inheriting their
 * source's perimeter, and VM cluster/datacenter taken from their host when the VM does not say. An entity may come
 * as its one upsert instead of its folded state (`SingleUpsert`, the replay's), or that upsert already materialised
 * (`MaterialisedSingle`, with the same `shared`): the same entity either way.
 */
export function materialiseFleet(
  states: Iterable<EntityState | SingleUpsert | MaterialisedSingle>,
  shared: SharedValues = new SharedValues(),
): Fleet {
  const fleet = emptyFleet();
  const removedVms = new Map<string, Lineage>();
  const entities: (EntityState | SingleUpsert | MaterialisedSingle)[] = [];
  const inventories = new Map<string, WholeInventory[]>();
  for (const state of states) {
    if (state.kind === 'scope') inventories.set(state.id, wholeInventories(state));
    else entities.push(state);
  }
  const evidence = new Map<string, SnapshotEvidence>();
  fleet.snapshotEvidence = evidence;
  for (const entity of entities) {
    let state: EntityState;
    if (isMaterialisedSingle(entity)) {
      putSingle(fleet, entity);
      continue;
    }
    if (isSingleUpsert(entity)) {
      const ready = materialiseSingle(entity, shared);
      if (ready !== undefined) {
        putSingle(fleet, ready);
        continue;
      }
      state = applyEvent(emptyState(entity.kind, entity.id), entity.event);
    } else state = entity;
    applyInventories(state, inventories);
    const cites = snapshotEvidenceOf(state);
    if (cites) evidence.set(`${state.kind}#${state.id}`, cites);
    if (!isLive(state)) {
      if (state.kind === 'vm' && state.lineage) removedVms.set(state.id, lineageOf(state));
      continue;
    }
    const plain = toPlain(state);
    if (state.last) plain.updatedAt = state.last.time;
    if (state.kind === 'host') fleet.hosts.set(state.id, plain as unknown as HostView);
    else if (state.kind === 'perimeter') fleet.perimeters.set(state.id, plain as unknown as Perimeter);
    else {
      // `plain` is this state's own fresh object: extended in place, not spread into a copy (one object per VM less
      // to build and collect, and the same keys in the same order).
      plain.movements = resolveMovementSources(state);
      const vm = plain as unknown as VmView;
      const spell = poweredOffSpell(state);
      if (spell.since !== undefined) vm.poweredOffSince = spell.since;
      if (spell.lastRunning !== undefined) vm.lastSeenRunning = spell.lastRunning;
      fleet.vms.set(state.id, vm);
    }
  }
  for (const vm of fleet.vms.values()) {
    if (vm.perimeter !== undefined) vm.perimeterSource = 'own';
    const host = vm.hostId !== undefined ? fleet.hosts.get(vm.hostId) : undefined;
    if (host) {
      vm.cluster ??= host.cluster;
      vm.datacenter ??= host.datacenter;
      if (vm.cluster === undefined) delete vm.cluster;
      if (vm.datacenter === undefined) delete vm.datacenter;
    }
  }
  for (const vm of fleet.vms.values()) {
    if (vm.perimeter !== undefined) continue;
    const inherited = inheritedPerimeter(fleet, removedVms, vm);
    if (inherited !== undefined) {
      vm.perimeter = inherited;
      vm.perimeterSource = 'clone';
    }
  }
  return fleet;
}

function putSingle(fleet: Fleet, { kind, id, plain }: MaterialisedSingle): void {
  if (kind === 'host') fleet.hosts.set(id, plain as unknown as HostView);
  else if (kind === 'perimeter') fleet.perimeters.set(id, plain as unknown as Perimeter);
  else fleet.vms.set(id, plain as unknown as VmView);
}

function snapshotEvidenceOf(state: EntityState): SnapshotEvidence | undefined {
  const cite = (s: Stamp, effect: SnapshotEvidence['effect']): SnapshotEvidence => ({
    eventId: s.id,
    time: s.time,
    effect,
  });
  if (!isLive(state)) {
    const removed = effectiveRemoval(state);
    return removed && cite(removed, 'removed');
  }
  // Only when nothing wrote the entity since: otherwise a later partial event may be what changed it.
  const complete = newestComplete(state);
  return complete && state.last?.id === complete.id && state.last.time === complete.time
    ? cite(complete, 'replaced')
    : undefined;
}

/** What a removed VM passes on to its clones. */
interface Lineage {
  perimeter?: string;
  clonedFrom?: string;
}

function lineageOf(state: EntityState): Lineage {
  const out: Lineage = {};
  const perimeter = state.lineage?.perimeter?.v;
  const clonedFrom = state.lineage?.clonedFrom?.v;
  if (typeof perimeter === 'string') out.perimeter = perimeter;
  if (typeof clonedFrom === 'string') out.clonedFrom = clonedFrom;
  return out;
}

/** Walks the clone chain, through removed sources too, to the nearest VM that named its own perimeter. */
function inheritedPerimeter(fleet: Fleet, removedVms: ReadonlyMap<string, Lineage>, vm: VmView): string | undefined {
  let cursor: string | undefined = vm.clonedFrom;
  // Most VMs are no clone: no walk, so no set (one per VM was a visible share of loading 100k VMs).
  if (cursor === undefined) return undefined;
  const visited = new Set<string>([vm.id]);
  while (cursor !== undefined && !visited.has(cursor)) {
    visited.add(cursor);
    const live = fleet.vms.get(cursor);
    const source: { perimeter?: string | undefined; clonedFrom?: string | undefined } | undefined = live
      ? { perimeter: live.perimeterSource === 'own' ? live.perimeter : undefined, clonedFrom: live.clonedFrom }
      : removedVms.get(cursor);
    if (!source) return undefined;
    if (source.perimeter !== undefined) return source.perimeter;
    cursor = source.clonedFrom;
  }
  return undefined;
}

/** Plain JSON form of the fleet for `inventory --json`, reports and run files: sorted, stable. */
export function fleetToJson(fleet: Fleet): FleetJson {
  return {
    hosts: [...fleet.hosts.values()].sort(byId),
    vms: [...fleet.vms.values()].sort(byId),
    perimeters: [...fleet.perimeters.values()].sort(byId),
  };
}

export interface FleetJson {
  hosts: HostView[];
  vms: VmView[];
  perimeters: Perimeter[];
}

const ById = z.array(z.looseObject({ id: z.string() }));

/**
 * What a run file's fleet is checked for on read: lists of entities with ids. Only this code writes run files
 * (with `fleetToJson`), so the check catches a truncated or foreign file; it is not an ingest boundary.
 */
export const FleetJsonSchema = z.object({ hosts: ById, vms: ById, perimeters: ById });

/** The fleet back from `fleetToJson`'s form, once `FleetJsonSchema` has checked it. */
export function fleetFromJson(json: z.infer<typeof FleetJsonSchema>): Fleet {
  const fleet = emptyFleet();
  for (const h of json.hosts) fleet.hosts.set(h.id, h as unknown as HostView);
  for (const v of json.vms) fleet.vms.set(v.id, v as unknown as VmView);
  for (const p of json.perimeters) fleet.perimeters.set(p.id, p as unknown as Perimeter);
  return fleet;
}
