/** A spreadsheet cell after reading: what both xlsx (exceljs) and CSV give us. */
export type Cell = string | number | boolean | Date | null;

export interface SheetRow {
  /** 1-based row number as a spreadsheet shows it (header is row 1). */
  rowNumber: number;
  cells: Map<string, Cell>;
}

export interface Sheet {
  /** RVTools tab name: vInfo, vHost, vCPU, vMemory, vNetwork, vDisk, vMetaData... */
  name: string;
  rows: SheetRow[];
}

/** The sheets hyperaudit reads; other tabs of an export (vSnapshot, vLicense...) are skipped. */
export const RVTOOLS_SHEETS = ['vInfo', 'vHost', 'vCPU', 'vMemory', 'vNetwork', 'vDisk', 'vMetaData'] as const;

/** `RVTools_tabvInfo.csv` (RVTools -c export) -> `vInfo`. */
export function sheetNameFromCsvFile(file: string): string | undefined {
  const base = file.split(/[\\/]/).pop() ?? file;
  const m = /tab(v[A-Za-z_]+)\.csv$/i.exec(base) ?? /^(v[A-Z][A-Za-z_]*)\.csv$/.exec(base);
  if (!m) return undefined;
  const known = RVTOOLS_SHEETS.find((s) => s.toLowerCase() === m[1]!.toLowerCase());
  return known ?? m[1];
}

/** A CSV without the RVTools file name: recognise the tab by columns only it has. */
export function sheetNameFromHeaders(headers: readonly string[]): string | undefined {
  const has = (h: string) => headers.includes(h);
  if (has('RVTools version') || has('RVTools major version')) return 'vMetaData';
  if (has('Host') && (has('# CPU') || has('Cores per CPU'))) return 'vHost';
  if (has('VM') && has('Capacity MiB') && has('Disk')) return 'vDisk';
  if (has('VM') && has('Adapter') && has('Network')) return 'vNetwork';
  if (has('VM') && has('Sockets') && has('Cores p/s')) return 'vCPU';
  if (has('VM') && has('Size MiB')) return 'vMemory';
  if (has('VM') && (has('Powerstate') || has('VM ID') || has('VM UUID'))) return 'vInfo';
  return undefined;
}
