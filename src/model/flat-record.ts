/**
 * Whether two values are plain records (prototype Object's or null, no `toJSON`) with the same keys in the same order
 * holding the same strings, numbers, booleans or nulls (`===`): such records have the same `JSON.stringify` text,
 * with or without indentation. Anything else (arrays, nested objects, class instances) is not compared: false.
 * Lets a writer reuse the text of the previous finding's evidence (unverified findings of a rule carry equal
 * evidence in objects of their own).
 */
export function sameFlatRecord(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b) || !plainRecord(a) || !plainRecord(b)) return false;
  const ka = Object.keys(a);
  // `b`'s keys walked in their order beside `a`'s (no array of them made: this runs once per finding per writer).
  let i = 0;
  for (const key in b) {
    if (key !== ka[i] || !Object.hasOwn(b, key)) return false;
    const va = (a as Record<string, unknown>)[key];
    const vb = (b as Record<string, unknown>)[key];
    // A number's text depends on its value only (0 and -0 both print 0).
    if (va !== vb || (typeof va !== 'string' && typeof va !== 'number' && typeof va !== 'boolean' && va !== null))
      return false;
    i++;
  }
  return i === ka.length;
}

/** Prototype Object's or null, and no `toJSON`: an object `JSON.stringify` writes as its own keys. */
export function plainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
