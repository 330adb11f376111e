import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { rejected, type Outcomes } from './outcome';
import { normaliseRvtools } from './rvtools';
import {
  RVTOOLS_SHEETS,
  sheetNameFromCsvFile,
  sheetNameFromHeaders,
  type Cell,
  type Sheet,
  type SheetRow,
} from './rvtools-sheets';
import { DEFAULT_INPUT_LIMITS, formatBytes, type InputLimits } from './input-limits';
import { decodeUtf8 } from './utf8';
import { checkXlsxZip, createdFromCoreProps } from './xlsx-zip-check';

/** exceljs cell values include rich text, formulas and hyperlinks; flatten them to what the cell shows. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellValue((v.result ?? null) as ExcelJS.CellValue);
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('error' in v) return null;
  }
  return null;
}

function rowsFromTable(table: Cell[][], firstRowNumber = 1): SheetRow[] {
  const header = (table[0] ?? []).map((h) => (h === null ? '' : String(h).trim()));
  const rows: SheetRow[] = [];
  for (let i = 1; i < table.length; i++) {
    const values = table[i]!;
    if (values.every((v) => v === null || v === '')) continue;
    const cells = new Map<string, Cell>();
    header.forEach((h, c) => {
      if (h !== '' && !cells.has(h)) cells.set(h, values[c] ?? null);
    });
    rows.push({ rowNumber: firstRowNumber + i, cells });
  }
  return rows;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function startsWithZipMagic(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(ZIP_MAGIC);
  } finally {
    await fh.close();
  }
}

/** exceljs's streaming worksheet carries the tab name, which its typings leave out. */
function sheetName(ws: object): string | undefined {
  const name: unknown = (ws as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * An RVTools workbook, read in streaming mode: the file size, then the zip's declared and real sizes
 * (checkXlsxZip), are checked before exceljs inflates anything, and rows are counted as they stream so an
 * oversized export is refused at the row limit instead of exhausting memory.
 */
export async function readRvtoolsXlsx(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<Outcomes> {
  const refuse = (reason: string, record?: string): Outcomes => [
    rejected('rvtools', { file, ...(record !== undefined && { record }) }, reason, 'file'),
  ];
  try {
    const size = (await stat(file)).size;
    if (size > limits.maxXlsxBytes)
      return refuse(`the workbook is ${size} bytes, over the ${formatBytes(limits.maxXlsxBytes)} limit for an xlsx`);
    if (!(await startsWithZipMagic(file))) return refuse('not an xlsx workbook: the file is not a zip archive');
  } catch (e) {
    return [
      rejected('rvtools', { file }, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`),
    ];
  }
  const zip = await checkXlsxZip(file, limits);
  if (!zip.ok) return refuse(zip.reason);
  // Loaded on first use: exceljs takes about half a second to import, which every other CLI command would pay.
  const { default: Excel } = await import('exceljs');
  // Styles are cached (small) because date cells are told from numbers by their number format.
  const reader = new Excel.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const sheets: Sheet[] = [];
  let rowsKept = 0;
  let cellsKept = 0;
  try {
    for await (const ws of reader) {
      const name = sheetName(ws);
      if (name === undefined || !(RVTOOLS_SHEETS as readonly string[]).includes(name)) continue;
      let header: string[] | undefined;
      const rows: SheetRow[] = [];
      for await (const row of ws) {
        if (++rowsKept > limits.maxRows)
          return refuse(
            `the RVTools tabs hold more than ${limits.maxRows} rows, the limit for one export`,
            `${name} row ${row.number}`,
          );
        const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellValue);
        if (header === undefined) {
          header = values.map((h) => (h === null ? '' : String(h).trim()));
          continue;
        }
        // Only non-empty cells are kept (the normaliser reads blank and absent alike): rows cost what they hold.
        const cells = new Map<string, Cell>();
        values.forEach((v, c) => {
          const h = header![c];
          if (v !== null && v !== '' && h && !cells.has(h)) cells.set(h, v);
        });
        if (cells.size === 0) continue;
        cellsKept += cells.size;
        if (cellsKept > limits.maxCells)
          return refuse(
            `the RVTools tabs hold more than ${limits.maxCells} non-empty cells, the limit for one export`,
            `${name} row ${row.number}`,
          );
        rows.push({ rowNumber: row.number, cells });
      }
      sheets.push({ name, rows });
    }
  } catch (e) {
    return refuse(`not a readable xlsx workbook: ${String((e as Error).message ?? e).slice(0, 200)}`);
  }
  if (!sheets.some((s) => s.name === 'vInfo' || s.name === 'vHost')) {
    return [
      rejected('rvtools', { file }, 'workbook has neither a vInfo nor a vHost sheet: not an RVTools export', 'vInfo'),
    ];
  }
  return normaliseRvtools({ file, sheets, fallbackTime: createdFromCoreProps(zip.corePropsXml), whole: true });
}

function parseCsv(text: string): Cell[][] {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  return parse(text, {
    bom: true,
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    relax_quotes: true,
  }) as Cell[][];
}

async function csvSheet(file: string, limits: InputLimits): Promise<{ sheet: Sheet } | { error: Outcomes }> {
  // A tab is parsed whole (its rows are joined with the other tabs'), so its size is checked before reading.
  const size = (await stat(file)).size;
  if (size > limits.maxCsvBytes) {
    return {
      error: [
        rejected(
          'rvtools',
          { file },
          `CSV file is ${size} bytes, over the ${formatBytes(limits.maxCsvBytes)} limit for one RVTools tab`,
          'file',
        ),
      ],
    };
  }
  const bytes = await readFile(file);
  const decoded = decodeUtf8(bytes);
  if ('error' in decoded)
    return { error: [rejected('rvtools', { file, record: `line ${decoded.line}` }, decoded.error, 'encoding')] };
  let table: Cell[][];
  try {
    table = parseCsv(decoded.text);
  } catch (e) {
    const err = e as Error & { lines?: number };
    return {
      error: [
        rejected(
          'rvtools',
          { file, ...(err.lines ? { record: `line ${err.lines}` } : {}) },
          `not valid CSV: ${err.message}`,
        ),
      ],
    };
  }
  const headers = (table[0] ?? []).map((h) => String(h ?? '').trim());
  if (table.length - 1 > limits.maxRows) {
    return {
      error: [
        rejected(
          'rvtools',
          { file, record: `line ${limits.maxRows + 2}` },
          `CSV has more than ${limits.maxRows} rows, the limit for one RVTools export`,
          'file',
        ),
      ],
    };
  }
  const name = sheetNameFromCsvFile(file) ?? sheetNameFromHeaders(headers);
  if (!name)
    return {
      error: [
        rejected(
          'rvtools',
          { file, record: 'line 1' },
          'CSV header is not an RVTools tab (no VM or Host column)',
          'header',
        ),
      ],
    };
  return { sheet: { name, rows: rowsFromTable(table) } };
}

/**
 * One RVTools CSV tab (`RVTools_tabvInfo.csv`). Tabs are separate files, so each gives partial upserts that the
 * store merges. The export time comes from `RVTools_tabvMetaData.csv` in the same folder when present.
 */
export async function readRvtoolsCsv(
  file: string,
  snapshotTime: string | undefined,
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<Outcomes> {
  let own: { sheet: Sheet } | { error: Outcomes };
  try {
    own = await csvSheet(file, limits);
  } catch (e) {
    return [
      rejected('rvtools', { file }, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`),
    ];
  }
  if ('error' in own) return own.error;
  if (own.sheet.name === 'vMetaData') return [];
  const sheets = [own.sheet];
  const dir = dirname(file);
  try {
    const meta = (await readdir(dir)).find((f) => f !== basename(file) && sheetNameFromCsvFile(f) === 'vMetaData');
    if (meta) {
      const m = await csvSheet(join(dir, meta), limits);
      if ('sheet' in m) sheets.push(m.sheet);
    }
  } catch {
    // No readable sibling metadata: fall back to the snapshot time below.
  }
  return normaliseRvtools({ file, sheets, fallbackTime: snapshotTime });
}
