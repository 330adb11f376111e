import type { FleetEvent } from '../model/event';
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

/** The stored event: `e` parsed, with `c`'s members put back in their places when the item has them. */
export function joinEvent(item: Item): FleetEvent {
  const event = JSON.parse(item.e!.S!) as FleetEvent;
  if (item.c === undefined) return event;
  const spec = CONFIG_MEMBERS[event.type];
  const holder = event as unknown as Record<string, Record<string, unknown>>;
  const rest = spec === undefined ? undefined : holder[spec.body];
  const configText = item.c.S;
  const members = configText === undefined ? undefined : (JSON.parse(configText) as unknown);
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
