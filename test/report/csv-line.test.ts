import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/report/csv-line';

/** What findings.csv was written with before: csv-stringify, escape_formulas on, no BOM. */
const csvStringify = (cells: readonly string[]) => stringify([[...cells]], { escape_formulas: true, bom: false });

/** Characters that change how a cell is written: quoting, formula guards (ASCII and full-width), line ends. */
const TRICKY = [
  '"',
  ',',
  '\n',
  '\r',
  '=',
  '+',
  '-',
  '@',
  '\t',
  "'",
  ' ',
  'a',
  'é',
  '\uFF1D',
  '\uFF0B',
  '\uFF0D',
  '\uFF20',
];

describe('csvLine', () => {
  it('writes the same bytes as csv-stringify for hostile cells', () => {
    const cells = [
      '',
      'plain',
      '=HYPERLINK("http://evil.example","x")',
      '+1',
      '-2',
      '@SUM(A1)',
      '\tlead tab',
      '\rlead CR',
      'a,b',
      'say "hi"',
      'line\nbreak',
      'cr\rinside',
      '"',
      ',',
      '\uFF1Dfull-width',
      '\uFF0D',
      "'already",
      ' space',
    ];
    expect(csvLine(cells)).toBe(csvStringify(cells));
    for (const cell of cells) expect(csvLine([cell])).toBe(csvStringify([cell]));
  });

  it('writes the same bytes as csv-stringify for any record of strings', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.array(fc.constantFrom(...TRICKY), { maxLength: 8 }).map((chars) => chars.join('')),
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (cells) => {
        expect(csvLine(cells)).toBe(csvStringify(cells));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves an empty cell empty (not quoted)', () => {
    expect(csvCell('')).toBe('');
    expect(csvLine(['', 'x', ''])).toBe(',x,\n');
  });
});
