import type { FleetEvent } from '../model/event';
import type { SharedValues } from '../model/single-upsert';
import type { Item } from './batch';

/**
 * An event item keeps the members of an upsert that no simulation code reads (an ESXi host's advanced settings and
 * services, a VM's vmx keys, guest OS, hardware version, encryption, firmware, graphics…) in an attribute of their own, `c`, next to the rest of the event in `e` (docs/store.md,
 * "Configuration apart"). On the configured layout they are most of an event's bytes (52.7 of the 92.9 MB of a
 * 100,000-VM fleet's VM upserts are `settings`), and the simulation's history read leaves `c` out of its Scan
 * (a projection), so neither the store child nor this process carries, parses or materialises them. Every other
 * reader reads both and `readEvent` joins them: the event it returns is the one stored, member order included.
 *
 * `c` is the JSON of `[[name, position, value], …]`, `position` being the member's place among the body's members
 * as `JSON.stringify` wrote them, so the join puts it back where it was. An item without `c` (stored before the split,
 * or an event with none of these members) is its `e` alone.
 *
 * test/simulation/config-members.test.ts proves that the simulation's result is the same with and without them.
 */
export const CONFIG_MEMBERS: Readonly<
  Partial<Record<FleetEvent['type'], { body: 'host' | 'vm'; names: readonly string[] }>>
> = {
  'host.upsert': { body: 'host', names: ['settings', 'services', 'kernelSettings'] },
  'vm.upsert': {
    body: 'vm',
    names: [
      'settings',
      'guestOs',
      'hardwareVersion',
      'ftEncryptionMode',
      'loggingEnabled',
      'encrypted',
      'firmware',
      'graphics',
      'securityLabels',
      'qemuArgs',
    ],
  },
};

type Member = [name: string, position: number, value: unknown];

/** The item's event text (`e`) and, when the event has configuration members, their text (`c`). */
export function splitEventJson(event: FleetEvent, json: string): { e: string; c?: string } {
  const spec = CONFIG_MEMBERS[event.type];
  if (spec === undefined) return { e: json };
  const body = (event as unknown as Record<string, Record<string, unknown> | undefined>)[spec.body];
  if (body === undefined || body === null || typeof body !== 'object') return { e: json };
  const members: Member[] = [];
  const rest: Record<string, unknown> = {};
  let position = 0;
  for (const key of Object.keys(body)) {
    const value = body[key];
    // What JSON.stringify leaves out takes no place among the members the reader sees.
    if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
    if (spec.names.includes(key)) members.push([key, position, value]);
    else rest[key] = value;
    position++;
  }
  if (members.length === 0) return { e: json };
  return { e: JSON.stringify({ ...event, [spec.body]: rest }), c: JSON.stringify(members) };
}

/**
 * The stored event: `e` parsed, with `c`'s members put back in their places when the item has them. With `shared`,
 * the members of a `c` text met before in the same read may be the ones parsed then (see `SharedConfigMembers`).
 */
export function joinEvent(item: Item, shared?: SharedConfigMembers): FleetEvent {
  const event = storedEvent(item);
  if (item.c === undefined) return event;
  const spec = CONFIG_MEMBERS[event.type];
  const holder = event as unknown as Record<string, Record<string, unknown>>;
  const rest = spec === undefined ? undefined : holder[spec.body];
  const configText = item.c.S;
  const members = configText === undefined ? undefined : storedMembers(item, configText, shared);
  // Only this module writes `c`: anything else is a damaged item, which must not read as an event without its
  // members, nor with members that were never its own (a name outside CONFIG_MEMBERS, one `e` holds too, twice).
  if (spec === undefined || !isPlainObject(rest) || !Array.isArray(members)) throw damaged(event);
  const keys = Object.keys(rest);
  const whole: Record<string, unknown> = {};
  let next = 0;
  let m = 0;
  let last = -1;
  for (const member of members as unknown[]) {
    if (
      !Array.isArray(member) ||
      member.length !== 3 ||
      !spec.names.includes(member[0]) ||
      Object.hasOwn(rest, member[0]) ||
      !Number.isInteger(member[1]) ||
      member[1] <= last
    )
      throw damaged(event);
    last = member[1];
  }
  for (let position = 0; position < keys.length + members.length; position++) {
    const member = members[m] as Member | undefined;
    if (member !== undefined && member[1] === position) {
      if (Object.hasOwn(whole, member[0])) throw damaged(event);
      whole[member[0]] = member[2];
      m++;
    } else {
      const key = keys[next++]!;
      whole[key] = rest[key];
    }
  }
  if (m !== members.length) throw damaged(event);
  holder[spec.body] = whole;
  return event;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function damaged(event: FleetEvent): Error {
  return new Error(`stored event ${event.id}: its configuration members are not as stored`);
}

/**
 * The `e` attribute's event, or an error naming the item: a store is input like any other (a planted local store, a
 * table another tool wrote), and a bare SyntaxError named neither the item nor the attribute.
 */
function storedEvent(item: Item): FleetEvent {
  const text = item.e?.S;
  if (text === undefined) throw damagedItem(item, 'it has no e text');
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (err) {
    throw notJson(item, 'e', err);
  }
  if (!isPlainObject(event)) throw damagedItem(item, 'its e attribute holds no event object');
  return event as unknown as FleetEvent;
}

/** The `c` attribute's members (`shared`'s parse when it has one), or an error naming the item. */
function storedMembers(item: Item, text: string, shared: SharedConfigMembers | undefined): unknown {
  try {
    return shared === undefined ? parseMembers(text) : shared.take(text);
  } catch (err) {
    throw notJson(item, 'c', err);
  }
}

function notJson(item: Item, name: 'e' | 'c', err: unknown): unknown {
  return err instanceof SyntaxError ? damagedItem(item, `its ${name} attribute is not JSON (${err.message})`) : err;
}

/** A damaged event item, named by its key when the read kept it. */
function damagedItem(item: Item, what: string): Error {
  const pk = item.pk?.S;
  const key = pk === undefined ? '' : ` ${pk}${item.sk?.S === undefined ? '' : ` ${item.sk.S}`}`;
  return new Error(`stored event item${key}: ${what}`);
}

function parseMembers(text: string): unknown {
  return JSON.parse(text);
}

/**
 * `c` texts parsed once per read instead of once per event. A fleet's configuration repeats: on the configured
 * 100,000-VM fleet the 105,000 event items hold 338 distinct `c` texts (74 MB of text, 0.5 MB distinct), and parsing
 * each again built 100,000 `settings` maps that `materialiseSingle` copies (or shares) and drops at once.
 *
 * Handing one parse to several events makes their members the same objects, which only a reader that never keeps or
 * writes them may accept: `loadFleet`'s making of an entity from its lone event (`singleUpsertPlain` copies a map
 * field's values into a map of its own, or shares one of equal values, and the fold, `applyEvent`, stores a map
 * field key by key; both keep primitives as they are). So only members whose values are all primitives, or maps of
 * primitives under a map field's name, are handed out again; any other `c` is parsed for each event, as is every
 * text past the first `MAX_TEXTS` distinct ones or past `MAX_KEPT_CHARS` of them (the cache keeps each text it holds
 * alive to the read's end, and a text's size says little of its parse's: a stored item may pad its `c` or repeat a
 * key). The members themselves are never written (`joinEvent` only reads them).
 */
export class SharedConfigMembers {
  /**
   * Texts met, by a key of their length and three of their characters, each with its parse (null: not handed out
   * again). Not a Map by the text: that hashes every character of each event's text (74 MB on the configured fleet),
   * where comparing it with the one or two texts of its key is a copy-speed comparison.
   */
  private readonly byKey = new Map<number, KnownText[]>();
  private texts = 0;
  private chars = 0;

  /** `values`: the materialisation's shared values, told which map objects this hands out again. */
  constructor(private readonly values?: SharedValues) {}

  /** `text` parsed, or its parse from before when that may be handed out again. */
  take(text: string): unknown {
    const key = textKey(text);
    const known = this.byKey.get(key);
    if (known !== undefined) for (const k of known) if (k.text === text) return k.members ?? parseMembers(text);
    const members = parseMembers(text);
    if (
      this.texts < MAX_TEXTS &&
      this.chars + text.length <= MAX_KEPT_CHARS &&
      (known === undefined || known.length < MAX_PER_KEY)
    ) {
      const kept: KnownText = { text, members: isShareable(members) ? members : null };
      if (kept.members !== null && this.values !== undefined)
        for (const member of kept.members as Member[]) if (isPlainObject(member[2])) this.values.repeats(member[2]);
      if (known === undefined) this.byKey.set(key, [kept]);
      else known.push(kept);
      this.texts++;
      this.chars += text.length;
    }
    return members;
  }
}

interface KnownText {
  text: string;
  members: readonly unknown[] | null;
}

/** The length and three characters of `text` (texts of one fleet's configuration mostly differ in length already). */
function textKey(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  const middle = text.charCodeAt(n >> 1);
  const late = text.charCodeAt(n - 1 - (n >> 3));
  const early = text.charCodeAt(n >> 3);
  return ((n * 0x01000193) ^ (middle << 16) ^ (late << 8) ^ early) | 0;
}

/** Texts compared per key: more texts of one length and sampled characters are parsed each time. */
const MAX_PER_KEY = 8;
/** Distinct `c` texts a read keeps: the configured 100,000-VM fleet has 338. */
const MAX_TEXTS = 4096;
/**
 * Characters of the texts a read keeps (the configured 100,000-VM fleet's distinct texts are 0.5 MB): `MAX_TEXTS` alone
 * let 4,096 texts of DynamoDB's 400 KB items, or larger ones a planted local store holds, stay resident whatever they
 * parse to.
 */
const MAX_KEPT_CHARS = 16 * 1024 * 1024;
/** The map fields of an entity as `singleUpsertPlain` builds them (its MAP_FIELDS), which it never keeps as parsed. */
const COPIED_MAPS = new Set(['settings', 'services', 'labels', 'workload']);

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Whether every member's value is a primitive, or a map field's map of primitives (see `SharedConfigMembers`). */
function isShareable(members: unknown): members is readonly unknown[] {
  if (!Array.isArray(members)) return false;
  for (const member of members) {
    if (!Array.isArray(member) || member.length !== 3) return false;
    const value: unknown = member[2];
    if (isPrimitive(value)) continue;
    if (!COPIED_MAPS.has(member[0]) || !isPlainObject(value)) return false;
    for (const key in value) if (!isPrimitive(value[key])) return false;
  }
  return true;
}
