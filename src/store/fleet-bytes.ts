import { deserialize, serialize } from 'node:v8';
import type { Fleet } from '../model/fleet';

/**
 * A folded fleet as bytes and back (V8's structured serialisation), for the local store's fleet cache
 * (src/cli/fleet-cache.ts): at 100,000 VMs reading these back takes about a quarter of the CPU of reading and folding
 * the fleet's items again.
 *
 * The serialisation keeps values, shared references (the fold shares equal values between entities) and key order,
 * but not prototypes: the fold's settings maps have none (`Object.create(null)`: a key such as `constructor` must
 * not find `Object.prototype`'s), so the bytes list them and `decodeFleet` takes their prototype away again. A value
 * of a kind it would not give back as it was (an object of another prototype, a symbol key, a function) makes
 * `encodeFleet` refuse the fleet rather than return something else later. What the walk does not look for, because the
 * fold, which builds every object from parsed JSON, never makes it: accessors, non-enumerable members, members added
 * to a Map or a Set, frozen objects (all given back as plain data members, or not at all).
 */
interface Encoded {
  fleet: Fleet;
  /** The fleet's objects without a prototype. */
  bare: object[];
}

const PLAIN = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Set.prototype, null]);

/** The fleet's bytes, or undefined when it holds something the bytes would not give back the same. */
export function encodeFleet(fleet: Fleet): Buffer | undefined {
  const bare: object[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [fleet];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (!PLAIN.has(proto) || Object.getOwnPropertySymbols(value).length > 0) return undefined;
    if (proto === null) bare.push(value);
    if (value instanceof Map) {
      for (const [k, v] of value) stack.push(k, v);
    } else if (value instanceof Set) {
      for (const v of value) stack.push(v);
    } else {
      for (const k in value) stack.push((value as Record<string, unknown>)[k]);
    }
  }
  const encoded: Encoded = { fleet, bare };
  return serialize(encoded);
}

/** The fleet `encodeFleet` gave these bytes for; undefined for bytes it did not make (a damaged or foreign file). */
export function decodeFleet(bytes: Buffer): Fleet | undefined {
  let encoded: unknown;
  try {
    encoded = deserialize(bytes);
  } catch {
    return undefined;
  }
  if (typeof encoded !== 'object' || encoded === null) return undefined;
  const { fleet, bare } = encoded as Partial<Encoded>;
  if (!isFleet(fleet) || !Array.isArray(bare)) return undefined;
  for (const o of bare) {
    if (typeof o !== 'object' || o === null) return undefined;
    Object.setPrototypeOf(o, null);
  }
  return fleet;
}

function isFleet(x: unknown): x is Fleet {
  if (typeof x !== 'object' || x === null) return false;
  const f = x as Record<string, unknown>;
  return (
    f.hosts instanceof Map &&
    f.vms instanceof Map &&
    f.perimeters instanceof Map &&
    (f.snapshotEvidence === undefined || f.snapshotEvidence instanceof Map)
  );
}
