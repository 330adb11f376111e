import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZip } from '../support/zip-builder';
import { collect, eventsOf, fixture, rejectedOf } from './helpers';

describe('xlsx limits', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-xlsx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const onlyRejection = async (file: string, limits: object) => {
    const out = await collect([file], { limits });
    expect(out).toHaveLength(1);
    return rejectedOf(out)[0]!;
  };

  it('refuses a zip bomb from the sizes its directory declares, before inflating', async () => {
    const file = join(dir, 'bomb.xlsx');
    await writeFile(
      file,
      buildZip([
        { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
        { name: 'xl/sharedStrings.xml', data: Buffer.alloc(4 * 1024 * 1024, 0x41) },
      ]),
    );
    const r = await onlyRejection(file, {});
    expect(r).toMatchObject({ source: 'rvtools', file, field: 'file' });
    expect(r.reason).toMatch(
      /^zip entry "xl\/sharedStrings\.xml" declares 4194304 bytes from \d+ \(\d+:1, limit 200:1\): refused as a zip bomb before inflating$/,
    );
  });

  it('refuses a workbook whose declared uncompressed total is over the limit', async () => {
    const r = await onlyRejection(fixture('rvtools/example1.xlsx'), { maxXlsxUncompressedBytes: 64 * 1024 });
    expect(r.reason).toBe('the workbook declares more than 64 KiB uncompressed: refused before inflating');
  });

  it('refuses an entry that inflates past the size its headers declare (a lying directory)', async () => {
    const file = join(dir, 'liar.xlsx');
    await writeFile(
      file,
      buildZip([{ name: 'xl/sharedStrings.xml', data: Buffer.alloc(2 * 1024 * 1024, 0x41), declaredSize: 1000 }]),
    );
    const r = await onlyRejection(file, {});
    expect(r.reason).toMatch(/^not a readable xlsx workbook: too many bytes in the stream/);
  });

  it('refuses a zip of thousands of entries without listing them', async () => {
    const file = join(dir, 'many.xlsx');
    await writeFile(
      file,
      buildZip(Array.from({ length: 10_001 }, (_, i) => ({ name: `p${i}`, data: Buffer.from('x') }))),
    );
    const r = await onlyRejection(file, {});
    expect(r.reason).toBe('the zip has 10001 entries; an xlsx workbook has a few dozen (limit 10000)');
  });

  it('refuses a workbook over the file size limit without opening it', async () => {
    const copy = join(dir, 'big.xlsx');
    await copyFile(fixture('rvtools/example1.xlsx'), copy);
    const r = await onlyRejection(copy, { maxXlsxBytes: 1000 });
    expect(r.reason).toMatch(/^the workbook is \d+ bytes, over the 1000 bytes limit for an xlsx$/);
  });

  it('stops at the row limit while streaming and names the sheet and row', async () => {
    const file = join(dir, 'rows.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const ws = writer.addWorksheet('vInfo');
    ws.addRow(['VM', 'Powerstate', 'VM ID']).commit();
    for (let i = 1; i <= 50; i++) ws.addRow([`vm-${i}`, 'poweredOn', `vm-${i}`]).commit();
    ws.commit();
    await writer.commit();
    const r = await onlyRejection(file, { maxRows: 10 });
    expect(r).toMatchObject({
      record: 'vInfo row 11',
      reason: 'the RVTools tabs hold more than 10 rows, the limit for one export',
    });
    // Under the limit the same workbook is read as before.
    const out = await collect([file], { limits: { maxRows: 51 } });
    expect(eventsOf(out)).toHaveLength(50);
  });
});
