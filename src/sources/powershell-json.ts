import { isRecord, own } from './json-access';

/**
 * What PowerShell's ConvertTo-Json does to cmdlet output, undone once here for the PowerCLI and Hyper-V readers:
 * - one object comes out bare, several as an array (`asRecords`);
 * - objects nested deeper than `-Depth` (2 by default) become their ToString(): a VMHost becomes its name,
 *   so a field may hold an object or a string (`nameOf`);
 * - enums come out as numbers (Windows PowerShell 5.1 and 7 without -EnumsAsStrings) or names (`enumName`);
 * - a [guid] may come out as `{"Guid": "…"}` in Windows PowerShell 5.1 (`guidOf`);
 * - DateTime comes out as `/Date(ms)/` in 5.1 and ISO 8601 in 7; no member read here is a date, and none of these
 *   exports carries its capture time, so the file's modification time stands in (docs/events.md).
 */
export function asRecords(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** A truncated object's ToString() or the object's own `Name`. */
export function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  const name = own(value, 'Name');
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/** An enum given as its name or as its number, resolved through the cmdlet module's declared values. */
export function enumName(value: unknown, values: Readonly<Record<number, string>>): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return values[value];
  if (typeof value === 'string' && value.length > 0) {
    const byName = Object.values(values).find((v) => v.toLowerCase() === value.trim().toLowerCase());
    return byName;
  }
  return undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function guidOf(value: unknown): string | undefined {
  const raw = isRecord(value) ? own(value, 'Guid') : value;
  return typeof raw === 'string' && GUID.test(raw.trim()) ? raw.trim().toLowerCase() : undefined;
}

/** True/False from JSON booleans and from Export-Csv's "True"/"False". */
export function psBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  return undefined;
}
