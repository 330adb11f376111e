/**
 * A record property built only when something reads it, whose entries a JSON writer can take one by one without it
 * ever being built. At 100,000 VMs a simulation's per-VM results are 100,000 objects that outlive many young-generation
 * collections when built up front, only to be encoded once; made as the writer reaches them, each dies young.
 */

/** A lazy property's getter (while it is the property's, the record is unbuilt) and its entries, in key order. */
interface Lazy {
  get: () => unknown;
  entries: () => Iterable<readonly [string, unknown]>;
}

/** Per object, per lazy property not built yet. */
const lazyEntries = new WeakMap<object, Map<PropertyKey, Lazy>>();

/**
 * Keys a record lists in insertion order and holds as own entries: not an array index (objects list those first, by
 * value) and not `__proto__` (assigning it sets the prototype instead).
 */
function keepsInsertionOrder(key: string): boolean {
  const first = key.charCodeAt(0);
  // Only a key starting with a digit can be an index: the pattern runs on those alone (100,000 VM ids per result).
  if (first >= 0x30 && first <= 0x39) return !/^(?:0|[1-9]\d*)$/.test(key);
  return key !== '__proto__';
}

/** No key twice; ids in ascending text order (the simulation's) show it without a set of them. */
function distinct(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) return new Set(ids).size === ids.length;
  return true;
}

/**
 * Makes `target[key]` a record built from `entries` on first read (as `record[id] = value` in that order, on a plain
 * object) and kept from then on; reading it, spreading `target` or encoding it gives what a record built up front
 * gives. `ids` are the keys `entries` yields, in order: when one of them would not keep its place (an array index,
 * `__proto__`, a key given twice), the record is built now, since only the built object says how it lists them.
 */
export function defineLazyRecord<T extends object, K extends keyof T & string>(
  target: T,
  key: K,
  ids: readonly string[],
  entries: () => Iterable<readonly [string, unknown]>,
): void {
  const build = (): T[K] => {
    const record: Record<string, unknown> = {};
    for (const [id, value] of entries()) record[id] = value;
    return record as T[K];
  };
  const settle = (value: T[K]) => {
    lazyEntries.get(target)?.delete(key);
    // Redefining an existing property keeps its place among the object's keys.
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  };
  if (!Object.hasOwn(target, key)) throw new Error(`defineLazyRecord: ${key} must already be a key of the object`);
  if (!ids.every(keepsInsertionOrder) || !distinct(ids)) {
    settle(build());
    return;
  }
  let built: { value: T[K] } | undefined;
  const get = (): T[K] => {
    if (built) return built.value;
    const value = build();
    // A frozen or sealed target cannot take the value in the getter's place: the getter keeps it instead.
    if (Object.getOwnPropertyDescriptor(target, key)?.configurable) settle(value);
    else {
      lazyEntries.get(target)?.delete(key);
      built = { value };
    }
    return value;
  };
  Object.defineProperty(target, key, {
    get,
    set(value: T[K]) {
      settle(value);
    },
    enumerable: true,
    configurable: true,
  });
  const forTarget = lazyEntries.get(target) ?? new Map<PropertyKey, Lazy>();
  lazyEntries.set(target, forTarget);
  forTarget.set(key, { get, entries });
}

/**
 * The entries of `target[key]` when it is a lazy record not built yet (reading them builds nothing), else undefined:
 * also when the property was deleted or redefined since, whatever it holds now.
 */
export function unbuiltEntries(target: object, key: string): Iterable<readonly [string, unknown]> | undefined {
  const lazy = lazyEntries.get(target)?.get(key);
  if (!lazy) return undefined;
  if (Object.getOwnPropertyDescriptor(target, key)?.get !== lazy.get) return undefined;
  return lazy.entries();
}
