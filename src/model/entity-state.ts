import { getOrCreate } from './get-or-create';
import {
  compareEvents,
  eventSubject,
  scopeKey,
  type CompleteMarker,
  type FleetEvent,
  type MigrationKind,
  type SubjectKind,
} from './event';

/**
 * Per-field last-writer-wins state of one host, VM or perimeter.
 *
 * Every field remembers the (time, id) of the event that wrote it, so applying events is commutative,
 * associative and idempotent: any order, any duplication, gives the same state. That is what lets the
 * store accept late, replayed and shuffled events without coordination.
 */
export interface Stamp {
  time: string;
  id: string;
}

export interface Movement {
  eventId: string;
  time: string;
  kind: MigrationKind | 'clone';
  fromHostId?: string;
  toHostId?: string;
  fromDatastore?: string;
  toDatastore?: string;
  /** For clones: the source VM. */
  sourceVmId?: string;
  /**
   * Set when read (`resolveMovementSources`), never stored: `state` when the source host came from the VM's own
   * placement history (the event named none), and the host the event named when it disagreed with that history.
   */
  fromHostSource?: 'event' | 'state';
  reportedFromHostId?: string;
}

/** One write of a VM's `hostId` (upsert, clone, migration): the placement history movements take their source from. */
export interface Placement {
  hostId: string;
  s: Stamp;
}

/** One stored part of an inventory snapshot (see `inventory.snapshot` in docs/events.md). */
export interface InventoryPart {
  eventId: string;
  time: string;
  hosts?: string[];
  vms?: string[];
  part?: { index: number; count: number };
}

/** An inventory snapshot with all its parts: who was in the scope at `stamp`. */
export interface WholeInventory {
  stamp: Stamp;
  hosts?: ReadonlySet<string>;
  vms?: ReadonlySet<string>;
}

export interface EntityState {
  kind: SubjectKind;
  id: string;
  /** Field path (`name`, or `settings/<key>` for map fields) → value and the stamp that wrote it. */
  fields: Record<string, { v: unknown; s: Stamp }>;
  /** Latest event that asserted the entity exists (upsert, clone, migrate, power, connection). */
  seen?: Stamp;
  /** Latest removal; fields written before it are gone. */
  removed?: Stamp;
  /** Migrations and clone origin, by event id. */
  movements: Movement[];
  /** Newest event applied, for `updatedAt`. */
  last?: Stamp;
  /**
   * Latest write of each lineage field (`perimeter`, `clonedFrom`) whether or not a removal followed: a clone
   * keeps inheriting its source's perimeter after the source is deleted, so clone-then-delete cannot move a
   * VM out of its perimeter unnoticed. Not gated by removals, so it stays order-independent.
   */
  lineage?: Record<string, { v: unknown; s: Stamp }>;
  // --- Full snapshots (issue 21) ---
  /**
   * Scope key (`source/instance`) named by the newest upsert that named one. Not gated by removals: it decides
   * which inventory snapshots can remove the entity, including the one that removed it.
   */
  scope?: { v: string; s: Stamp };
  /** Top-level field (`*`: every field) → newest complete upsert covering it; older writes under it are gone. */
  cleared?: Record<string, Stamp>;
  /**
   * Scope key → newest whole inventory snapshot of that scope the entity was absent from. A removal at that
   * stamp while `scope` names that scope, applied when read (`effectiveRemoval`) so a late upsert that moved
   * the entity to another scope still counts.
   */
  absentFrom?: Record<string, Stamp>;
  /** Scope states only: the inventory snapshot parts stored for the scope. */
  inventory?: InventoryPart[];
  /**
   * VMs: the newest `hostId` writes, removals or not (issue 15 item 2). A move that names no source host (libvirt
   * `Started Migrated`, Nova `evacuate`) takes the host the VM was on just before it from here, in any arrival order.
   */
  placements?: Placement[];
  /** VMs: the power-state changes that say when the current powered-off spell began (see `PowerHistory`). */
  power?: PowerHistory;
}

/**
 * What the fold knows about when a VM was last powered off (issue 15 item 12), kept so that any order, any
 * duplication and any split of the events gives the same value. A snapshot that reports `poweredOff` says the VM
 * is off, not since when, so it adds nothing here; only a transition event (`vm.power_off`: vCenter
 * VmPoweredOffEvent, libvirt `Stopped`, Nova `power_off.end`) dates the change.
 */
export interface PowerHistory {
  /** Newest evidence that the VM was not powered off: a `vm.power_on`, or an upsert reporting it on or suspended. */
  notOff?: Stamp;
  /** `vm.power_off` events newer than `notOff`, oldest first; the first is when the current spell began. */
  offs?: Stamp[];
}

/** Fields whose values are maps merged key by key on partial upserts. */
const MAP_FIELDS = new Set(['settings', 'services', 'labels', 'workload']);
const MAX_MOVEMENTS = 200;
const LINEAGE_FIELDS = new Set(['perimeter', 'clonedFrom']);

const ALL_FIELDS = '*';
const MAX_INVENTORY_PARTS = 10_000;

export function emptyState(kind: EntityState['kind'], id: string): EntityState {
  return { kind, id, fields: {}, movements: [] };
}

function newer(a: Stamp | undefined, b: Stamp): boolean {
  return a === undefined || compareEvents(a, b) < 0;
}

function setLineage(state: EntityState, path: string, field: { v: unknown; s: Stamp }): void {
  state.lineage ??= {};
  const lineage = state.lineage;
  const current = lineage[path];
  if (current === undefined || newer(current.s, field.s)) lineage[path] = field;
}

/** Newest complete upsert covering the field at `path` (`settings/<key>` is covered by `settings`). */
function clearedAt(state: EntityState, path: string): Stamp | undefined {
  if (!state.cleared) return undefined;
  const slash = path.indexOf('/');
  const field = state.cleared[slash < 0 ? path : path.slice(0, slash)];
  const all = state.cleared[ALL_FIELDS];
  if (!field) return all;
  return all && compareEvents(field, all) < 0 ? all : field;
}

/** Whether a write stamped `s` at `path` is older than a complete upsert covering it (strictly: the upsert's own writes stay). */
function clearedBefore(state: EntityState, path: string, s: Stamp): boolean {
  const c = clearedAt(state, path);
  return c !== undefined && compareEvents(s, c) < 0;
}

function dropCleared(state: EntityState): void {
  for (const [path, field] of Object.entries(state.fields))
    if (clearedBefore(state, path, field.s)) delete state.fields[path];
}

function markCleared(state: EntityState, field: string, stamp: Stamp): void {
  state.cleared ??= {};
  const cleared = state.cleared;
  if (newer(cleared[field], stamp)) cleared[field] = stamp;
}

function applyComplete(state: EntityState, complete: CompleteMarker, stamp: Stamp): void {
  if (complete === true) markCleared(state, ALL_FIELDS, stamp);
  else for (const field of complete.fields) markCleared(state, field, stamp);
  dropCleared(state);
}

function setScope(state: EntityState, scope: { v: string; s: Stamp }): void {
  if (state.scope === undefined || newer(state.scope.s, scope.s)) state.scope = scope;
}

function markAbsent(state: EntityState, scope: string, stamp: Stamp): void {
  state.absentFrom ??= {};
  const absent = state.absentFrom;
  if (newer(absent[scope], stamp)) absent[scope] = stamp;
}

function addInventoryPart(state: EntityState, part: InventoryPart): void {
  state.inventory ??= [];
  const parts = state.inventory;
  if (parts.some((p) => p.eventId === part.eventId)) return;
  parts.push(part);
  parts.sort((a, b) => compareEvents({ time: a.time, id: a.eventId }, { time: b.time, id: b.eventId }));
  // Bounded like movements: the oldest parts go first (their removals are baked into entities by compaction).
  if (parts.length > MAX_INVENTORY_PARTS) parts.splice(0, parts.length - MAX_INVENTORY_PARTS);
}

function setField(state: EntityState, path: string, value: unknown, stamp: Stamp): void {
  if (LINEAGE_FIELDS.has(path)) setLineage(state, path, { v: value, s: stamp });
  if (state.removed && !newer(state.removed, stamp)) return;
  if (clearedBefore(state, path, stamp)) return;
  const current = state.fields[path];
  if (current === undefined || newer(current.s, stamp)) state.fields[path] = { v: value, s: stamp };
}

function setObject(state: EntityState, body: Record<string, unknown>, stamp: Stamp): void {
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id' || value === undefined) continue;
    if (MAP_FIELDS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, subValue] of Object.entries(value as Record<string, unknown>)) {
        setField(state, `${key}/${sub}`, subValue, stamp);
      }
    } else {
      setField(state, key, value, stamp);
    }
  }
}

function markSeen(state: EntityState, stamp: Stamp): void {
  if (newer(state.seen, stamp)) state.seen = stamp;
}

const MAX_PLACEMENTS = 200;
/**
 * Power-offs kept after the newest "not off" evidence. Several in a row are the same stop reported twice (Nova
 * `shutdown.end` and `power_off.end`); more than this many with no power-on between them would need that many
 * lost power-on events, and only then could the earliest ones kept depend on arrival order.
 */
const MAX_POWER_OFFS = 32;

function notePowerOn(state: EntityState, stamp: Stamp): void {
  state.power ??= {};
  const power = state.power;
  if (!newer(power.notOff, stamp)) return;
  power.notOff = stamp;
  if (power.offs) {
    power.offs = power.offs.filter((s) => compareEvents(s, stamp) > 0);
    if (power.offs.length === 0) delete power.offs;
  }
}

function notePowerOff(state: EntityState, stamp: Stamp): void {
  state.power ??= {};
  const power = state.power;
  if (power.notOff !== undefined && compareEvents(stamp, power.notOff) <= 0) return;
  power.offs ??= [];
  const offs = power.offs;
  if (offs.some((s) => s.id === stamp.id)) return;
  offs.push(stamp);
  offs.sort(compareEvents);
  if (offs.length > MAX_POWER_OFFS) offs.splice(MAX_POWER_OFFS);
}

/** An upsert's or clone's reported power state: on or suspended is evidence the VM was not off at that time. */
function notePowerState(state: EntityState, powerState: unknown, stamp: Stamp): void {
  if (powerState === 'poweredOn' || powerState === 'suspended') notePowerOn(state, stamp);
}

/**
 * When the VM's current powered-off spell began, as a `vm.power_off` event recorded it (`since`), and the newest
 * sign it was running before that spell (`lastRunning`), which bounds an undated spell. Empty when the VM is not
 * reported off. Evidence older than the VM's removal belongs to an earlier life of the id.
 */
export function poweredOffSpell(state: EntityState): { since?: string; lastRunning?: string } {
  const current = state.fields.powerState;
  if (current?.v !== 'poweredOff') return {};
  const removed = effectiveRemoval(state);
  const alive = (s: Stamp) => removed === undefined || compareEvents(s, removed) > 0;
  if (!alive(current.s)) return {};
  const out: { since?: string; lastRunning?: string } = {};
  const notOff = state.power?.notOff;
  if (notOff !== undefined && alive(notOff) && compareEvents(notOff, current.s) < 0) out.lastRunning = notOff.time;
  const first = state.power?.offs?.find(alive);
  // The spell began no later than the write that says the VM is off now.
  if (first !== undefined && compareEvents(first, current.s) <= 0) out.since = first.time;
  return out;
}

function addPlacement(state: EntityState, placement: Placement): void {
  state.placements ??= [];
  const list = state.placements;
  if (list.some((p) => p.s.id === placement.s.id)) return;
  list.push(placement);
  list.sort((a, b) => compareEvents(a.s, b.s));
  if (list.length > MAX_PLACEMENTS) list.splice(0, list.length - MAX_PLACEMENTS);
}

/**
 * Movements with their source host as the placement history says (issue 15 item 2): the host of the newest
 * placement before the move. A move that names none takes it; one whose named source disagrees keeps the
 * history's and records what the event said. Without history the event's own source stands.
 */
export function resolveMovementSources(state: EntityState): Movement[] {
  const placements = state.placements ?? [];
  if (placements.length === 0) return state.movements;
  return state.movements.map((m) => {
    if (m.kind === 'clone') return m;
    let before: Placement | undefined;
    for (const p of placements) {
      if (compareEvents(p.s, { time: m.time, id: m.eventId }) >= 0) break;
      before = p;
    }
    if (before === undefined || before.hostId === m.fromHostId) return m;
    const out: Movement = { ...m, fromHostId: before.hostId, fromHostSource: 'state' };
    if (m.fromHostId !== undefined) out.reportedFromHostId = m.fromHostId;
    return out;
  });
}

function addMovement(state: EntityState, movement: Movement): void {
  if (state.movements.some((m) => m.eventId === movement.eventId)) return;
  state.movements.push(movement);
  state.movements.sort((a, b) => compareEvents({ time: a.time, id: a.eventId }, { time: b.time, id: b.eventId }));
  if (state.movements.length > MAX_MOVEMENTS) state.movements.splice(0, state.movements.length - MAX_MOVEMENTS);
}

/** Applies one event to the state of its subject (see `eventSubject`). Mutates and returns `state`. */
export function applyEvent(state: EntityState, event: FleetEvent): EntityState {
  const stamp: Stamp = { time: event.time, id: event.id };
  if (newer(state.last, stamp)) state.last = stamp;
  switch (event.type) {
    case 'host.upsert':
    case 'vm.upsert':
      markSeen(state, stamp);
      if (event.scope) setScope(state, { v: scopeKey(event.scope), s: stamp });
      if (event.complete) applyComplete(state, event.complete, stamp);
      setObject(state, event.type === 'host.upsert' ? event.host : event.vm, stamp);
      if (event.type === 'vm.upsert') {
        if (typeof event.vm.hostId === 'string') addPlacement(state, { hostId: event.vm.hostId, s: stamp });
        notePowerState(state, event.vm.powerState, stamp);
      }
      break;
    case 'inventory.snapshot': {
      const body = event.snapshot;
      addInventoryPart(state, {
        eventId: event.id,
        time: event.time,
        ...(body.hosts && { hosts: body.hosts }),
        ...(body.vms && { vms: body.vms }),
        ...(body.part && { part: body.part }),
      });
      break;
    }
    case 'perimeter.upsert':
      markSeen(state, stamp);
      setObject(state, event.perimeter, stamp);
      break;
    case 'host.remove':
    case 'vm.remove':
      if (newer(state.removed, stamp)) state.removed = stamp;
      for (const [path, field] of Object.entries(state.fields)) {
        if (newer(field.s, stamp)) delete state.fields[path];
      }
      break;
    case 'host.connection_lost':
      markSeen(state, stamp);
      setField(state, 'connectionState', 'notResponding', stamp);
      break;
    case 'host.connected':
      markSeen(state, stamp);
      setField(state, 'connectionState', 'connected', stamp);
      break;
    case 'host.maintenance_enter':
      markSeen(state, stamp);
      setField(state, 'maintenanceMode', true, stamp);
      break;
    case 'host.maintenance_exit':
      markSeen(state, stamp);
      setField(state, 'maintenanceMode', false, stamp);
      break;
    case 'vm.power_on':
      markSeen(state, stamp);
      setField(state, 'powerState', 'poweredOn', stamp);
      notePowerOn(state, stamp);
      break;
    case 'vm.power_off':
      markSeen(state, stamp);
      setField(state, 'powerState', 'poweredOff', stamp);
      notePowerOff(state, stamp);
      break;
    case 'vm.clone':
      markSeen(state, stamp);
      setObject(state, event.clone.vm, stamp);
      notePowerState(state, event.clone.vm.powerState, stamp);
      setField(state, 'clonedFrom', event.clone.sourceVmId, stamp);
      if (event.clone.vm.hostId !== undefined) addPlacement(state, { hostId: event.clone.vm.hostId, s: stamp });
      addMovement(state, {
        eventId: event.id,
        time: event.time,
        kind: 'clone',
        sourceVmId: event.clone.sourceVmId,
        ...(event.clone.vm.hostId !== undefined && { toHostId: event.clone.vm.hostId }),
        ...(event.clone.vm.datastore !== undefined && { toDatastore: event.clone.vm.datastore }),
      });
      break;
    case 'vm.migrate': {
      const m = event.migrate;
      markSeen(state, stamp);
      setField(state, 'hostId', m.toHostId, stamp);
      addPlacement(state, { hostId: m.toHostId, s: stamp });
      if (m.toDatastore !== undefined) setField(state, 'datastore', m.toDatastore, stamp);
      // Placement moved: cluster and datacenter follow the new host unless the event names them.
      // null, not undefined: the clearing must survive JSON snapshots so older upserts still lose to it.
      setField(state, 'cluster', m.toCluster ?? null, stamp);
      setField(state, 'datacenter', m.toDatacenter ?? null, stamp);
      addMovement(state, {
        eventId: event.id,
        time: event.time,
        kind: m.kind,
        toHostId: m.toHostId,
        ...(m.fromHostId !== undefined && { fromHostId: m.fromHostId }),
        ...(m.fromDatastore !== undefined && { fromDatastore: m.fromDatastore }),
        ...(m.toDatastore !== undefined && { toDatastore: m.toDatastore }),
      });
      break;
    }
  }
  return state;
}

/** Merges two states of the same entity (e.g. a stored snapshot and newer events). */
export function mergeStates(a: EntityState, b: EntityState): EntityState {
  const out: EntityState = { kind: a.kind, id: a.id, fields: { ...a.fields }, movements: [...a.movements] };
  if (a.seen) out.seen = a.seen;
  if (a.removed) out.removed = a.removed;
  if (a.last) out.last = a.last;
  for (const side of [a, b])
    for (const [path, field] of Object.entries(side.lineage ?? {})) setLineage(out, path, field);
  if (b.removed && newer(out.removed, b.removed)) out.removed = b.removed;
  if (b.seen) markSeen(out, b.seen);
  if (b.last && newer(out.last, b.last)) out.last = b.last;
  for (const [path, field] of Object.entries(b.fields)) {
    const cur = out.fields[path];
    if (cur === undefined || newer(cur.s, field.s)) out.fields[path] = field;
  }
  if (out.removed) {
    for (const [path, field] of Object.entries(out.fields)) if (newer(field.s, out.removed)) delete out.fields[path];
  }
  for (const m of b.movements) addMovement(out, m);
  for (const side of [a, b]) {
    if (side.scope) setScope(out, side.scope);
    for (const [field, stamp] of Object.entries(side.cleared ?? {})) markCleared(out, field, stamp);
    for (const [scope, stamp] of Object.entries(side.absentFrom ?? {})) markAbsent(out, scope, stamp);
    for (const part of side.inventory ?? []) addInventoryPart(out, part);
    for (const placement of side.placements ?? []) addPlacement(out, placement);
  }
  for (const side of [a, b]) if (side.power?.notOff) notePowerOn(out, side.power.notOff);
  for (const side of [a, b]) for (const off of side.power?.offs ?? []) notePowerOff(out, off);
  dropCleared(out);
  return out;
}

/**
 * The inventory snapshots of a scope state whose parts are all stored. Parts of one snapshot share its time
 * and part count; its stamp is (time, smallest part id), the same whatever order the parts came in.
 */
export function wholeInventories(scope: EntityState): WholeInventory[] {
  const groups = new Map<string, InventoryPart[]>();
  for (const part of scope.inventory ?? []) {
    const key = `${Date.parse(part.time)}#${part.part?.count ?? 1}`;
    const list = groups.get(key);
    if (list) list.push(part);
    else groups.set(key, [part]);
  }
  const out: WholeInventory[] = [];
  for (const parts of groups.values()) {
    const count = parts[0]!.part?.count ?? 1;
    const indices = new Set(parts.map((p) => p.part?.index ?? 1));
    if (indices.size < count) continue;
    const first = parts.reduce((min, p) => (p.eventId < min.eventId ? p : min));
    const whole: { stamp: Stamp; hosts?: Set<string>; vms?: Set<string> } = {
      stamp: { time: first.time, id: first.eventId },
    };
    // An empty list is a statement (the scope has none), so the set exists even with no ids.
    for (const p of parts) {
      if (p.hosts) whole.hosts ??= new Set();
      if (p.vms) whole.vms ??= new Set();
      for (const id of p.hosts ?? []) whole.hosts!.add(id);
      for (const id of p.vms ?? []) whole.vms!.add(id);
    }
    out.push(whole);
  }
  return out;
}

/**
 * Records the inventory snapshots of the entity's current scope it is absent from. Idempotent and monotone
 * (a newest-absence per scope), so it can run on every read and be baked into stored snapshots.
 */
export function applyInventories(
  state: EntityState,
  inventoriesByScope: ReadonlyMap<string, readonly WholeInventory[]>,
): EntityState {
  if (!state.scope || (state.kind !== 'host' && state.kind !== 'vm')) return state;
  for (const inventory of inventoriesByScope.get(state.scope.v) ?? []) {
    const ids = state.kind === 'host' ? inventory.hosts : inventory.vms;
    if (ids && !ids.has(state.id)) markAbsent(state, state.scope.v, inventory.stamp);
  }
  return state;
}

/** The entity's removal as read: its own newest removal, or its current scope's newest snapshot it was absent from. */
export function effectiveRemoval(state: EntityState): Stamp | undefined {
  const absent = state.scope ? state.absentFrom?.[state.scope.v] : undefined;
  if (!absent) return state.removed;
  return newer(state.removed, absent) ? absent : state.removed;
}

/** Newest complete upsert applied to the entity, for evidence. */
export function newestComplete(state: EntityState): Stamp | undefined {
  let best: Stamp | undefined;
  for (const stamp of Object.values(state.cleared ?? {})) if (newer(best, stamp)) best = stamp;
  return best;
}

/** Whether the entity currently exists: asserted after its latest removal. */
export function isLive(state: EntityState): boolean {
  if (!state.seen) return false;
  const removed = effectiveRemoval(state);
  return removed === undefined || compareEvents(removed, state.seen) < 0;
}

/** The plain object of a live entity; undefined for one removed or never seen. */
export function toPlainLive(state: EntityState): Record<string, unknown> | undefined {
  return isLive(state) ? toPlain(state) : undefined;
}

/** The plain object (host, VM or perimeter shape) the fields describe. */
export function toPlain(state: EntityState): Record<string, unknown> {
  const out: Record<string, unknown> = { id: state.id };
  const removed = effectiveRemoval(state);
  const paths = Object.keys(state.fields);
  // Spellings compete in the fields' own order (on equal stamps the first written wins), so before sorting.
  const shadowed = shadowedSpellings(state, paths);
  paths.sort();
  // The map a run of sorted `key/...` paths writes into: paths of one map field are adjacent once sorted.
  let mapKey = '';
  let map: Record<string, unknown> | undefined;
  for (const path of paths) {
    const { v, s } = state.fields[path]!;
    if (v === undefined || v === null) continue;
    if (removed && newer(s, removed)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) {
      out[path] = v;
      continue;
    }
    if (shadowed?.has(path)) continue;
    if (map === undefined || path.length <= mapKey.length || !path.startsWith(mapKey) || path[mapKey.length] !== '/') {
      mapKey = path.slice(0, slash);
      out[mapKey] ??= Object.create(null);
      map = out[mapKey] as Record<string, unknown>;
    }
    map[path.slice(slash + 1)] = v;
  }
  return out;
}

/**
 * Setting keys (ESXi advanced settings, vmx keys) are case-insensitive, so `Isolation.Tools.Copy.Disable` and
 * `isolation.tools.copy.disable` are one setting: of its spellings, the newest write is the value (issue 15
 * item 3). Decided when read, so the fold stays order-independent and states stored before still read right.
 */
const CASELESS_MAP = 'settings';
const CASELESS_PREFIX = `${CASELESS_MAP}/`;

/**
 * The setting paths that another spelling of the same setting outwrote, or undefined when no setting has two
 * spellings (nearly always: then `toPlain` checks nothing per setting).
 */
function shadowedSpellings(state: EntityState, paths: readonly string[]): Set<string> | undefined {
  const best = new Map<string, string>();
  let shadowed: Set<string> | undefined;
  for (const path of paths) {
    if (!path.startsWith(CASELESS_PREFIX)) continue;
    const folded = path.slice(CASELESS_PREFIX.length).toLowerCase();
    const current = best.get(folded);
    if (current === undefined) best.set(folded, path);
    else {
      shadowed ??= new Set();
      if (newer(state.fields[current]!.s, state.fields[path]!.s)) {
        shadowed.add(current);
        best.set(folded, path);
      } else shadowed.add(path);
    }
  }
  return shadowed;
}

/** Folds any number of events (any order, duplicates allowed) into per-entity states. */
export function foldEvents(
  events: Iterable<FleetEvent>,
  into = new Map<string, EntityState>(),
): Map<string, EntityState> {
  for (const event of events) {
    const subject = eventSubject(event);
    const key = `${subject.kind}#${subject.id}`;
    applyEvent(
      getOrCreate(into, key, () => emptyState(subject.kind, subject.id)),
      event,
    );
  }
  return into;
}
