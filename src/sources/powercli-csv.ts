import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { NormaliseOptions } from './options';
import { rejected, type Outcomes } from './outcome';
import { normalisePowercliDocument } from './powercli';
import { decodeUtf8 } from './utf8';

/** Export-Csv of the same cmdlets: `#TYPE ...` first in Windows PowerShell 5.1 unless -NoTypeInformation. */
const TYPE_LINE = /^#TYPE [^\r\n]*\r?\n/;

function headerCells(head: string): string[] {
  const firstLine =
    head
      .replace(/^\uFEFF/, '')
      .replace(TYPE_LINE, '')
      .split(/\r?\n/, 1)[0] ?? '';
  return firstLine.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
}

/** AdvancedSetting (Entity, Name, Value) or VMHostService (Key, Running, Policy, VMHostId) columns. */
export function looksPowercliCsvHeader(head: string): boolean {
  if (TYPE_LINE.test(head.replace(/^\uFEFF/, '')) && /VMware\.VimAutomation/.test(head.split('\n', 1)[0]!)) return true;
  const cols = new Set(headerCells(head));
  return (
    (cols.has('Entity') && cols.has('Name') && cols.has('Value')) ||
    (cols.has('Key') && cols.has('Running') && cols.has('Policy') && cols.has('VMHostId'))
  );
}

export async function readPowercliCsv(file: string, opts: NormaliseOptions): Promise<Outcomes> {
  const bytes = await readFile(file);
  const decoded =
    bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe
      ? { text: bytes.subarray(2).toString('utf16le') }
      : decodeUtf8(bytes);
  if ('error' in decoded)
    return [rejected('powercli', { file, record: `line ${decoded.line}` }, decoded.error, 'encoding')];
  const text = decoded.text.replace(/^\uFEFF/, '').replace(TYPE_LINE, '');
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, relax_column_count: false, bom: true }) as Record<
      string,
      string
    >[];
  } catch (e) {
    return [
      rejected(
        'powercli',
        { file },
        `not a readable CSV export: ${String((e as Error).message).slice(0, 200)}`,
        'file',
      ),
    ];
  }
  // Export-Csv writes an empty cell for $null; a setting whose value is the empty string reads the same.
  return normalisePowercliDocument(rows, { file }, { ...opts, source: 'powercli' });
}
