/** Reading one RVTools cell as the type its column holds; a value that cannot be read is a RowError naming the column. */
import { bool, compact, numeric } from './json-access';
import type { SheetRow } from './rvtools-sheets';

export class RowError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

export function text(row: SheetRow, column: string): string | undefined {
  const v = row.cells.get(column);
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString();
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** A number column: absent or blank is fine (older exports), text that is not a number is an error. */
export function number(row: SheetRow, column: string): number | undefined {
  const v = row.cells.get(column);
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;
  const n = numeric(v);
  if (n === undefined)
    throw new RowError(column, `${column} must be a number, got ${JSON.stringify(String(v)).slice(0, 60)}`);
  return n;
}

export function flag(row: SheetRow, column: string): boolean | undefined {
  const v = row.cells.get(column);
  return v === null || v === undefined || v instanceof Date ? undefined : bool(v);
}

export function positiveInt(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function powerState(s: string | undefined): 'poweredOn' | 'poweredOff' | 'suspended' | undefined {
  return s === 'poweredOn' || s === 'poweredOff' || s === 'suspended' ? s : undefined;
}

export function controllerOf(label: string | undefined): 'ide' | 'sata' | 'scsi' | 'nvme' | undefined {
  if (!label) return undefined;
  if (/nvme/i.test(label)) return 'nvme';
  if (/sata|ahci/i.test(label)) return 'sata';
  if (/\bide\b/i.test(label)) return 'ide';
  if (/scsi|lsi|paravirtual|buslogic|pvscsi/i.test(label)) return 'scsi';
  return undefined;
}

/** `VMware ESXi 7.0.3 build-20328353` -> version and build. */
export function esxVersion(s: string | undefined): { version?: string; build?: string } {
  const m = s ? /(\d+\.\d+(?:\.\d+)?)(?:.*?build-(\d+))?/.exec(s) : null;
  return m ? compact({ version: m[1], build: m[2] }) : {};
}

/** `[datastore1] vm/vm.vmx` -> `datastore1`. */
export function datastoreFromPath(p: string | undefined): string | undefined {
  const m = p ? /^\[([^\]]+)\]/.exec(p) : null;
  return m?.[1];
}
