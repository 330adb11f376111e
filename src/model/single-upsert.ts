/**
 * An entity whose whole history is one plain upsert (no `complete`, no `scope`): the usual case when a fleet is
 * ingested once. Its fold is that upsert's fields with one stamp each, so a reader that only wants the entity can skip
 * the per-field stamps: `singleUpsertPlain` gives exactly what `toPlain` gives for the folded state, at 100k VMs
 * 1.5 million stamped fields fewer to build and collect.
 */
import type { FleetEvent } from './event';

type UpsertEvent = Extract<FleetEvent, { type: 'host.upsert' | 'vm.upsert' | 'perimeter.upsert' }>;

/**
 * The mark of a `SingleUpsert`: a symbol, so that no state read back from a store (JSON, string keys only) can pass
 * for one, whatever fields it carries.
 */
const SINGLE: unique symbol = Symbol('single upsert');

export interface SingleUpsert {
  [SINGLE]: true;
  kind: 'host' | 'vm' | 'perimeter';
  id: string;
  event: UpsertEvent;
}

/** The entity of `event` while it is all its history, or undefined when the event needs the fold. */
export function singleUpsertOf(event: FleetEvent): SingleUpsert | undefined {
  switch (event.type) {
    case 'host.upsert':
      return event.complete || event.scope ? undefined : { [SINGLE]: true, kind: 'host', id: event.host.id, event };
    case 'vm.upsert':
      return event.complete || event.scope ? undefined : { [SINGLE]: true, kind: 'vm', id: event.vm.id, event };
    case 'perimeter.upsert':
      return { [SINGLE]: true, kind: 'perimeter', id: event.perimeter.id, event };
    default:
      return undefined;
  }
}

export function isSingleUpsert(x: object): x is SingleUpsert {
  return (x as Partial<SingleUpsert>)[SINGLE] === true;
}

function bodyOf(event: UpsertEvent): Record<string, unknown> {
  return (
    event.type === 'host.upsert' ? event.host : event.type === 'vm.upsert' ? event.vm : event.perimeter
  ) as Record<string, unknown>;
}

/** The upserted field `key` as the fold stores it: absent when the upsert leaves it undefined. */
export function upsertedField(entity: SingleUpsert, key: string): unknown {
  return bodyOf(entity.event)[key];
}

/** Fields whose values are maps merged key by key (entity-state's MAP_FIELDS). */
const MAP_FIELDS = new Set(['settings', 'services', 'labels', 'workload']);

/** One field of the plain object, in the order `toPlain` writes them: top-level, or one key of a map field. */
interface PlanStep {
  top: string;
  sub?: string;
}

/**
 * A plan as `singleUpsertPlain` follows it: the sorted steps with each map field's keys together (the paths of one
 * map share the prefix `<field>/`, so they are next to each other in the sorted order).
 */
type PlanPart = { top: string; subs?: undefined } | MapPart;
interface MapPart {
  top: string;
  subs: string[];
  /** Tells this plan's map field apart from another shape's (other keys) in `SharedValues`. */
  id: string;
}
type Plan = PlanPart[];

let nextPartId = 0;

function partsOf(steps: readonly PlanStep[]): Plan {
  const parts: Plan = [];
  for (const step of steps) {
    if (step.sub === undefined) {
      parts.push({ top: step.top });
      continue;
    }
    const last = parts.at(-1);
    if (last?.subs !== undefined && last.top === step.top) last.subs.push(step.sub);
    else parts.push({ top: step.top, subs: [step.sub], id: `${nextPartId++}` });
  }
  return parts;
}

/** Plans by body shape: fleets repeat a few shapes; bounded, since each VM could bring its own setting names. */
const plans = new Map<string, Plan | null>();
const MAX_PLANS = 1000;

function isMap(key: string, value: unknown): value is Record<string, unknown> {
  return MAP_FIELDS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The body's keys and map keys, length-prefixed so that no two shapes share a signature. */
function shapeOf(body: Record<string, unknown>): string {
  let sig = '';
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key === 'id' || value === undefined) continue;
    sig += `${key.length}:${key}`;
    if (isMap(key, value)) {
      sig += '{';
      for (const sub of Object.keys(value)) sig += `${sub.length}:${sub}`;
      sig += '}';
    }
  }
  return sig;
}

/**
 * The paths `setObject` writes for this shape, sorted as `toPlain` sorts them; null for a shape only the fold reads
 * right: a path written twice (first write wins there), `__proto__`, a `/` in a top-level key, or two spellings of
 * one setting (the fold decides those by stamp).
 */
function planOf(body: Record<string, unknown>): Plan | null {
  const paths = new Map<string, PlanStep>();
  const settings = new Set<string>();
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key === 'id' || value === undefined) continue;
    if (key === '__proto__' || key.includes('/')) return null;
    if (isMap(key, value)) {
      for (const sub of Object.keys(value)) {
        if (sub === '__proto__') return null;
        if (key === 'settings') {
          const folded = sub.toLowerCase();
          if (settings.has(folded)) return null;
          settings.add(folded);
        }
        const path = `${key}/${sub}`;
        if (paths.has(path)) return null;
        paths.set(path, { top: key, sub });
      }
    } else {
      if (paths.has(key)) return null;
      paths.set(key, { top: key });
    }
  }
  return partsOf([...paths.keys()].sort().map((path) => paths.get(path)!));
}

/** A shape as `shapeOf` writes it, in parts: the keys it lists, and each one's map keys (undefined: not a map). */
interface KnownShape {
  keys: string[];
  subs: (string[] | undefined)[];
  plan: Plan | null;
}

/**
 * The shapes met last, the one met most recently first: a fleet's bodies have a few shapes (the configured 100,000-VM
 * fleet 4, the sparse one 2), met in the read's hash order, not one after another. Comparing keys with each costs less
 * than a signature: with only the last shape kept, a quarter of the configured fleet's bodies (26,661 of 105,000) built
 * one and looked it up.
 */
const recentShapes: KnownShape[] = [];
/** Shapes compared before a signature is built: a fleet of more shapes than this mostly pays for its signatures. */
const RECENT_SHAPES = 8;
/** Signatures built (`shapeOf`) in this process: tests read it (`shapeSignatures`). */
let signatures = 0;

export function shapeSignatures(): number {
  return signatures;
}

function knownShapeOf(body: Record<string, unknown>, plan: Plan | null): KnownShape {
  const keys: string[] = [];
  const subs: (string[] | undefined)[] = [];
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key === 'id' || value === undefined) continue;
    keys.push(key);
    subs.push(isMap(key, value) ? Object.keys(value) : undefined);
  }
  return { keys, subs, plan };
}

/**
 * Whether `shapeOf(body)` would be the signature of `known`: the same keys in the same order, maps where it has maps
 * with the same keys. The signature is length-prefixed, so equal signatures are exactly equal parts.
 */
function hasShape(body: Record<string, unknown>, known: KnownShape): boolean {
  let k = 0;
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (key === 'id' || value === undefined) continue;
    if (known.keys[k] !== key) return false;
    const subs = known.subs[k];
    k++;
    if (!isMap(key, value)) {
      if (subs !== undefined) return false;
      continue;
    }
    if (subs === undefined) return false;
    const own = Object.keys(value);
    if (own.length !== subs.length) return false;
    for (let i = 0; i < own.length; i++) if (own[i] !== subs[i]) return false;
  }
  return k === known.keys.length;
}

/** The plan of the body's shape (null: only the fold reads it right). A plan depends on the shape alone. */
function planFor(body: Record<string, unknown>): Plan | null {
  for (let i = 0; i < recentShapes.length; i++) {
    const known = recentShapes[i]!;
    if (!hasShape(body, known)) continue;
    if (i > 0) {
      recentShapes.splice(i, 1);
      recentShapes.unshift(known);
    }
    return known.plan;
  }
  signatures++;
  const shape = shapeOf(body);
  let plan = plans.get(shape);
  if (plan === undefined) {
    plan = planOf(body);
    if (plans.size < MAX_PLANS) plans.set(shape, plan);
  }
  recentShapes.unshift(knownShapeOf(body, plan));
  if (recentShapes.length > RECENT_SHAPES) recentShapes.pop();
  return plan;
}

/**
 * Values many entities of one fleet hold alike, shared by one materialisation (`materialiseFleet`) instead of each
 * entity keeping its own copy: a map field (vmx keys, labels) whose keys and primitive values another entity of the
 * same shape already has is that entity's map, and a long string equal to one met before is that string. On the
 * configured 100,000-VM fleet the VMs hold 17 distinct `settings` maps and one `guestOs` of a few, where the fleet held
 * 100,000 of each: fewer objects built, kept to the end of the command and copied by every scavenge.
 *
 * Sharing is safe because nothing changes a materialised entity's maps or strings (the fleet is read-only to its
 * readers; the fold's maps, which the engine never writes either, stay per entity), and exact because a shared map
 * has the same keys in the same order with the same values (`Object.is`, so `-0` is never taken for `0`) and the
 * same null prototype. Each cache is bounded: a field with more distinct values than that stops being looked up, and
 * past `MAX_MAP_FIELDS` map fields no new one is (a shape past `MAX_PLANS` is planned again for each body, with map
 * fields of its own: a cache for each would be one per entity, held to the materialisation's end).
 */
export class SharedValues {
  private readonly maps = new Map<string, MapCache>();
  private readonly strings = new Map<string, StringCache>();
  private readonly repeating = new WeakSet<object>();

  /**
   * Tells that `map`, a map field's value, is one object many bodies hold (a store's read hands one parse of a
   * repeated text to each): its map is then found by the object, not by hashing and comparing its values each time.
   * The caller never writes to it.
   */
  repeats(map: object): void {
    this.repeating.add(map);
  }

  /** Whether `map` was told to be one object many bodies hold (`repeats`). */
  isRepeated(map: object): boolean {
    return this.repeating.has(map);
  }

  /** `value`, or a string equal to it met before in field `field`. */
  string(field: string, value: string): string {
    if (value.length <= SHORT_STRING) return value;
    let cache = this.strings.get(field);
    if (cache === undefined) {
      cache = new StringCache();
      this.strings.set(field, cache);
    }
    return cache.take(value);
  }

  /** How many map fields maps are looked up for: at most `MAX_MAP_FIELDS`. */
  get mapFields(): number {
    return this.maps.size;
  }

  /** The maps of a plan's map field met so far (`part.id`: the same keys), or undefined once given up. */
  mapCache(part: MapPart): MapCache | undefined {
    let cache = this.maps.get(part.id);
    if (cache === undefined) {
      if (this.maps.size >= MAX_MAP_FIELDS) return undefined;
      cache = new MapCache();
      this.maps.set(part.id, cache);
    }
    return cache.gaveUp ? undefined : cache;
  }
}

/**
 * JSON.parse already hands out one string for each short value (V8 internalises them), so only longer ones are worth
 * a lookup.
 */
const SHORT_STRING = 10;
/**
 * Distinct values kept per field, after which the field is no longer looked up: a field of per-entity values (names,
 * workloads) costs a lookup for its first 4,096 entities only. No earlier trial: a fleet's first entities may all
 * differ in a field that repeats later (the generated fleets' `labels`, one app per VM up to 997 apps).
 */
const MAX_DISTINCT = 4096;
/** Map fields looked up per materialisation: every map field (four at most) of every plan `plans` keeps. */
const MAX_MAP_FIELDS = MAP_FIELDS.size * MAX_PLANS;

class StringCache {
  private readonly kept = new Map<string, string>();
  private gaveUp = false;

  take(value: string): string {
    if (this.gaveUp) return value;
    const kept = this.kept.get(value);
    if (kept !== undefined) return kept;
    this.kept.set(value, value);
    this.gaveUp = this.kept.size >= MAX_DISTINCT;
    return value;
  }
}

/**
 * Maps of one plan's map field by a hash of their values, compared value by value: no key text is built per entity
 * (at 100,000 VMs a text of every vmx value per VM was more garbage than the maps it saved).
 */
class MapCache {
  private readonly byHash = new Map<number, Record<string, unknown>[]>();
  /** The map found or kept for a repeated source object (`SharedValues.repeats`): the one `find` gives it again. */
  readonly bySource = new Map<object, Record<string, unknown>>();
  private distinct = 0;
  gaveUp = false;

  /** A map met before with `source`'s values under `subs`, or undefined. */
  find(hash: number, subs: readonly string[], source: Record<string, unknown>): Record<string, unknown> | undefined {
    const bucket = this.byHash.get(hash);
    if (bucket !== undefined) for (const map of bucket) if (holdsExactly(map, subs, source)) return map;
    return undefined;
  }

  keep(hash: number, map: Record<string, unknown>): void {
    this.distinct++;
    const bucket = this.byHash.get(hash);
    if (bucket === undefined) this.byHash.set(hash, [map]);
    else bucket.push(map);
    this.gaveUp = this.distinct >= MAX_DISTINCT;
  }
}

/** Whether `map` (built from a source of the same keys) holds exactly `source`'s non-null values under `subs`. */
function holdsExactly(map: Record<string, unknown>, subs: readonly string[], source: Record<string, unknown>): boolean {
  for (const sub of subs) {
    const v = source[sub];
    if (v === undefined || v === null) {
      if (sub in map) return false;
    } else if (map[sub] !== v) return false;
  }
  return true;
}

/**
 * A hash of `source`'s values under `subs`, or undefined when one is not a primitive JSON writes as itself (an object,
 * `-0`): such a map is never shared. Equal hashes are then compared in full (`holdsExactly`).
 */
function valuesHash(subs: readonly string[], source: Record<string, unknown>): number | undefined {
  let h = subs.length;
  for (const sub of subs) {
    const v = source[sub];
    let x: number;
    if (v === undefined || v === null) x = 1;
    else if (typeof v === 'string') x = textHash(v);
    else if (typeof v === 'boolean') x = v ? 3 : 4;
    else if (typeof v === 'number' && !Object.is(v, -0)) x = Number.isInteger(v) ? v | 0 : Math.floor(v * 1024) | 0;
    else return undefined;
    h = (Math.imul(h, 0x01000193) ^ x) | 0;
  }
  return h;
}

/**
 * Every character of `text`: a hash of a few (length, first, middle, last) put the maps of a field whose values differ
 * elsewhere (`vm-000123.corp.example.com`, `app123`) under a handful of hashes, each compared with all the others.
 */
function textHash(text: string): number {
  let x = text.length + 2;
  for (let i = 0; i < text.length; i++) x = Math.imul(x ^ text.charCodeAt(i), 0x01000193);
  return x;
}

/**
 * `toPlain(applyEvent(emptyState(kind, id), event))` without the state, or undefined when the shape needs the fold.
 * Values are the event's own (the fold does not copy them either), or equal ones `shared` already holds; maps are
 * null-prototype objects, as there.
 */
export function singleUpsertPlain(entity: SingleUpsert, shared?: SharedValues): Record<string, unknown> | undefined {
  const body = bodyOf(entity.event);
  const plan = planFor(body);
  if (plan === null) return undefined;
  const out: Record<string, unknown> = { id: entity.id };
  for (const part of plan) {
    if (part.subs === undefined) {
      const v = body[part.top];
      if (v !== undefined && v !== null)
        out[part.top] = shared !== undefined && typeof v === 'string' ? shared.string(part.top, v) : v;
      continue;
    }
    const map = mapOf(part, body[part.top] as Record<string, unknown>, shared);
    if (map !== undefined) out[part.top] = map;
  }
  return out;
}

/** A map field's plain map (its non-null values under their keys, in the plan's order), or undefined if it has none. */
function mapOf(part: MapPart, source: Record<string, unknown>, shared: SharedValues | undefined): object | undefined {
  const cache = shared?.mapCache(part);
  const repeated = cache !== undefined && shared!.isRepeated(source);
  if (repeated) {
    const known = cache.bySource.get(source);
    if (known !== undefined) return known;
  }
  const hash = cache === undefined ? undefined : valuesHash(part.subs, source);
  if (hash !== undefined) {
    const kept = cache!.find(hash, part.subs, source);
    if (kept !== undefined) {
      if (repeated) cache!.bySource.set(source, kept);
      return kept;
    }
  }
  const map: Record<string, unknown> = {};
  let empty = true;
  for (const sub of part.subs) {
    const v = source[sub];
    if (v === undefined || v === null) continue;
    map[sub] = v;
    empty = false;
  }
  if (empty) return undefined;
  // Null-prototype maps, as the fold's, made so after their keys are in: V8 builds an `Object.create(null)` object as a
  // hash table, and three per VM were about half of materialising 100k VMs. No key is `__proto__` (planOf).
  Object.setPrototypeOf(map, null);
  if (hash !== undefined) {
    cache!.keep(hash, map);
    // Only a map the cache holds: a source whose map is its own each time (a value `valuesHash` refuses) stays so.
    if (repeated) cache!.bySource.set(source, map);
  }
  return map;
}
