/**
 * Safe readers for untrusted parsed JSON. Lookups use own properties only, so keys such as `__proto__` or
 * `constructor` in the input are plain data and never reach Object.prototype.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(obj: unknown, key: string): unknown {
  return isRecord(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/**
 * vCenter bodies arrive PascalCase (VEBA, PowerCLI, vcsim) or camelCase (govmomi JSON); the names are otherwise
 * identical, so a lookup accepts both spellings.
 */
export function field(obj: unknown, name: string): unknown {
  const direct = own(obj, name);
  if (direct !== undefined) return direct;
  const flipped =
    name[0] === name[0]!.toUpperCase()
      ? name[0]!.toLowerCase() + name.slice(1)
      : name[0]!.toUpperCase() + name.slice(1);
  return own(obj, flipped);
}

export function path(obj: unknown, ...names: string[]): unknown {
  let cur = obj;
  for (const n of names) {
    cur = field(cur, n);
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

/** A non-empty string, or undefined. Numbers are not coerced: a wrong type is reported, not guessed. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Numbers given as numbers or numeric strings (spreadsheets and CSV). */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim().replace(/,/g, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === 'yes' || v === '1') return true;
    if (v === 'false' || v === 'no' || v === '0') return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return undefined;
}

/** Drops undefined members so partial upserts carry only what the source actually said. */
export function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Describes a value's JSON type for messages (`expected string, got number`). */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Sets an own property even for keys such as `__proto__`, which plain assignment would treat as the prototype. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
