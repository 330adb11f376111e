import { isRecord, own } from './json-access';

/**
 * What PowerShell's ConvertTo-Json does to cmdlet output, undone once here for the PowerCLI and Hyper-V readers:
 * - one object comes out bare, several as an array (`asRecords`);
 * - objects nested deeper than `-Depth` (2 by default) become their ToString(): a VMHost becomes its name,
 *   so a field may hold an object or a string (`nameOf`);
 * - enums come out as numbers (Windows PowerShell 5.1 and 7 without -EnumsAsStrings) or names (`enumName`);
 * - a [guid] may come out as `{"Guid": "…"}` in Windows PowerShell 5.1 (`guidOf`);
 * - DateTime comes out as `/Date(ms)/` in 5.1 and ISO 8601 in 7 (`psDate`).
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

/** `/Date(1700000000000)/` (optionally with an offset suffix) or an ISO 8601 string, as RFC 3339 UTC. */
export function psDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\/Date\((-?\d{1,15})(?:[+-]\d{4})?\)\/$/.exec(value.trim());
  const ms = m ? Number(m[1]) : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
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
