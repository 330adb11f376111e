import { describe, expect, it } from 'vitest';
import { fitTable, textTable } from '../../src/report/formats/fit-table';

const widthOf = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));

const hosts = [
  ['fra-kvm-02.fra.example.com', 'fra-kvm', '12.0'],
  ['fra-kvm-12.fra.example.com', 'fra-kvm', '8.5'],
  ['ams-esx-01.ams.example.com', 'ams-prod-general-purpose', '3.0'],
];

describe('tables fitted to the terminal width', () => {
  it('leaves a table that fits at its natural width, every cell whole', () => {
    const fitted = fitTable(['host', 'cluster', 'score'], hosts, 200, [0, 1]);
    expect(fitted.rows).toEqual(hosts);
    expect(fitted.colWidths).toEqual([28, 26, 7]);
  });

  it('cuts the longest names first, dropping the shared domain, and keeps what tells hosts apart', () => {
    const text = textTable(['host', 'cluster', 'score'], hosts, { width: 50, cuttable: [0, 1] });
    expect(widthOf(text)).toBeLessThanOrEqual(50);
    expect(text).toContain('fra-kvm-02');
    expect(text).toContain('fra-kvm-12');
    expect(text).not.toContain('example.com');
    // One row is one line: names are cut, never wrapped, so the table is as tall as at full width.
    const full = textTable(['host', 'cluster', 'score'], hosts, { width: 200, cuttable: [0, 1] });
    expect(text.split('\n')).toHaveLength(full.split('\n').length);
  });

  it('never cuts a column that is not a name, even when the table cannot fit', () => {
    const rows = [['a-very-long-virtual-machine-name-0001', '123456789012345678901234567890']];
    const fitted = fitTable(['vm', 'number'], rows, 30, [0]);
    expect(fitted.rows[0]![1]).toBe('123456789012345678901234567890');
    // The name keeps a readable minimum and its distinguishing end.
    expect([...fitted.rows[0]![0]!].length).toBeGreaterThanOrEqual(6);
    expect(fitted.rows[0]![0]!.endsWith('01')).toBe(true);
  });

  it('takes room from the widest cuttable column before touching a narrower one', () => {
    const rows = [['x'.repeat(60), 'short-cluster', '1']];
    const fitted = fitTable(['host', 'cluster', 'n'], rows, 60, [0, 1]);
    expect(fitted.rows[0]![1]).toBe('short-cluster');
    expect(fitted.colWidths.reduce((a, b) => a + b, 0) + 4).toBeLessThanOrEqual(60);
  });

  it('fits a column of 200,000 names without running out of stack', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [`vm-${String(i).padStart(6, '0')}.example.org`, 'on']);
    const fitted = fitTable(['vm', 'power'], rows, 30, [0]);
    expect(fitted.rows[199_999]![0]).toContain('199999');
  }, 60_000);
});
