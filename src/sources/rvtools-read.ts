import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { rejected, type Outcomes } from './outcome';
import { normaliseRvtools } from './rvtools';
import { RVTOOLS_SHEETS, sheetNameFromCsvFile, sheetNameFromHeaders, type Cell, type Sheet, type SheetRow } from './rvtools-sheets';
import { decodeUtf8 } from './utf8';

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

export async function readRvtoolsXlsx(file: string): Promise<Outcomes> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    return [rejected('rvtools', { file }, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)];
  }
  if (bytes.length < 4 || !bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    return [rejected('rvtools', { file }, 'not an xlsx workbook: the file is not a zip archive', 'file')];
  }
  // Loaded on first use: exceljs takes about half a second to import, which every other CLI command would pay.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    return [rejected('rvtools', { file }, `not a readable xlsx workbook: ${String((e as Error).message ?? e).slice(0, 200)}`, 'file')];
  }
  const sheets: Sheet[] = [];
  for (const ws of wb.worksheets) {
    if (!(RVTOOLS_SHEETS as readonly string[]).includes(ws.name)) continue;
    const table: Cell[][] = [];
    let lastRow = 0;
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      // eachRow skips empty rows; pad so row numbers in messages match what Excel shows.
      while (lastRow < rowNumber - 1) {
        table.push([]);
        lastRow++;
      }
      const values = row.values as ExcelJS.CellValue[];
      table.push(values.slice(1).map(cellValue));
      lastRow = rowNumber;
    });
    sheets.push({ name: ws.name, rows: rowsFromTable(table) });
  }
  if (!sheets.some((s) => s.name === 'vInfo' || s.name === 'vHost')) {
    return [rejected('rvtools', { file }, 'workbook has neither a vInfo nor a vHost sheet: not an RVTools export', 'vInfo')];
  }
  const created = wb.created instanceof Date && !Number.isNaN(wb.created.getTime()) ? wb.created.toISOString() : undefined;
  return normaliseRvtools({ file, sheets, fallbackTime: created, whole: true });
}

function parseCsv(text: string): Cell[][] {
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  return parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }) as Cell[][];
}

async function csvSheet(file: string): Promise<{ sheet: Sheet } | { error: Outcomes }> {
  const bytes = await readFile(file);
  const decoded = decodeUtf8(bytes);
  if ('error' in decoded) return { error: [rejected('rvtools', { file, record: `line ${decoded.line}` }, decoded.error, 'encoding')] };
  let table: Cell[][];
  try {
    table = parseCsv(decoded.text);
  } catch (e) {
    const err = e as Error & { lines?: number };
    return { error: [rejected('rvtools', { file, ...(err.lines ? { record: `line ${err.lines}` } : {}) }, `not valid CSV: ${err.message}`)] };
  }
  const headers = (table[0] ?? []).map((h) => String(h ?? '').trim());
  const name = sheetNameFromCsvFile(file) ?? sheetNameFromHeaders(headers);
  if (!name) return { error: [rejected('rvtools', { file, record: 'line 1' }, 'CSV header is not an RVTools tab (no VM or Host column)', 'header')] };
  return { sheet: { name, rows: rowsFromTable(table) } };
}

/**
 * One RVTools CSV tab (`RVTools_tabvInfo.csv`). Tabs are separate files, so each gives partial upserts that the
 * store merges. The export time comes from `RVTools_tabvMetaData.csv` in the same folder when present.
 */
export async function readRvtoolsCsv(file: string, snapshotTime: string | undefined): Promise<Outcomes> {
  let own: { sheet: Sheet } | { error: Outcomes };
  try {
    own = await csvSheet(file);
  } catch (e) {
    return [rejected('rvtools', { file }, `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)];
  }
  if ('error' in own) return own.error;
  if (own.sheet.name === 'vMetaData') return [];
  const sheets = [own.sheet];
  const dir = dirname(file);
  try {
    const meta = (await readdir(dir)).find((f) => f !== basename(file) && sheetNameFromCsvFile(f) === 'vMetaData');
    if (meta) {
      const m = await csvSheet(join(dir, meta));
      if ('sheet' in m) sheets.push(m.sheet);
    }
  } catch {
    // No readable sibling metadata: fall back to the snapshot time below.
  }
  return normaliseRvtools({ file, sheets, fallbackTime: snapshotTime });
}
