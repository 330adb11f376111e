import { compareEvents, eventSubject, type FleetEvent, type MigrationKind } from './event';

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
}

export interface EntityState {
  kind: 'host' | 'vm' | 'perimeter';
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
}

/** Fields whose values are maps merged key by key on partial upserts. */
const MAP_FIELDS = new Set(['settings', 'services', 'labels', 'workload']);
const MAX_MOVEMENTS = 200;
const LINEAGE_FIELDS = new Set(['perimeter', 'clonedFrom']);

export function emptyState(kind: EntityState['kind'], id: string): EntityState {
  return { kind, id, fields: {}, movements: [] };
}

function newer(a: Stamp | undefined, b: Stamp): boolean {
  return a === undefined || compareEvents(a, b) < 0;
}

function setLineage(state: EntityState, path: string, field: { v: unknown; s: Stamp }): void {
  const lineage = (state.lineage ??= {});
  const current = lineage[path];
  if (current === undefined || newer(current.s, field.s)) lineage[path] = field;
}

function setField(state: EntityState, path: string, value: unknown, stamp: Stamp): void {
  if (LINEAGE_FIELDS.has(path)) setLineage(state, path, { v: value, s: stamp });
  if (state.removed && !newer(state.removed, stamp)) return;
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
      markSeen(state, stamp);
      setObject(state, event.host, stamp);
      break;
    case 'vm.upsert':
      markSeen(state, stamp);
      setObject(state, event.vm, stamp);
      break;
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
      break;
    case 'vm.power_off':
      markSeen(state, stamp);
      setField(state, 'powerState', 'poweredOff', stamp);
      break;
    case 'vm.clone':
      markSeen(state, stamp);
      setObject(state, event.clone.vm, stamp);
      setField(state, 'clonedFrom', event.clone.sourceVmId, stamp);
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
  for (const side of [a, b]) for (const [path, field] of Object.entries(side.lineage ?? {})) setLineage(out, path, field);
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
  return out;
}

/** Whether the entity currently exists: asserted after its latest removal. */
export function isLive(state: EntityState): boolean {
  if (!state.seen) return false;
  return state.removed === undefined || compareEvents(state.removed, state.seen) < 0;
}

/** The plain object (host, VM or perimeter shape) the fields describe. */
export function toPlain(state: EntityState): Record<string, unknown> {
  const out: Record<string, unknown> = { id: state.id };
  for (const path of Object.keys(state.fields).sort()) {
    const { v } = state.fields[path]!;
    if (v === undefined || v === null) continue;
    const slash = path.indexOf('/');
    if (slash < 0) {
      out[path] = v;
    } else {
      const key = path.slice(0, slash);
      const sub = path.slice(slash + 1);
      const map = (out[key] ??= Object.create(null)) as Record<string, unknown>;
      map[sub] = v;
    }
  }
  return out;
}

/** Folds any number of events (any order, duplicates allowed) into per-entity states. */
export function foldEvents(events: Iterable<FleetEvent>, into = new Map<string, EntityState>()): Map<string, EntityState> {
  for (const event of events) {
    const subject = eventSubject(event);
    const key = `${subject.kind}#${subject.id}`;
    let state = into.get(key);
    if (!state) into.set(key, (state = emptyState(subject.kind, subject.id)));
    applyEvent(state, event);
  }
  return into;
}
