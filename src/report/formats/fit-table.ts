import Table from 'cli-table3';
import { fitNames } from './fit-names';

/** cli-table3 pads every cell with one space each side. */
const PADDING = 2;
/** A cut column keeps at least this many characters (`fr…-02`), so a name never shrinks to a lone `…`. */
const MIN_TEXT = 6;

export interface FittedTable {
  /** Widths to give cli-table3 (`colWidths`), padding included. */
  colWidths: number[];
  /** The rows with the cells of cut columns shortened by `fitNames`; other cells unchanged. */
  rows: string[][];
}

const length = (text: string): number => [...text].length;

/**
 * Fits a table of plain-text cells into `width` characters, borders included. Columns keep their natural width
 * while the table fits; otherwise the `cuttable` columns (names and ids, never numbers) give up room, the widest
 * first, down to `MIN_TEXT`, and their cells are cut like the audit table's names (`fitNames`: the ending all
 * names share first, then the middle), never wrapped, so one row stays one line and `…kvm-02` stays visible.
 * A table whose fixed columns alone are wider than `width` is left as wide as they need.
 */
export function fitTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  width: number,
  cuttable: readonly number[],
): FittedTable {
  // A loop, not Math.max(...cells): an inventory of 100,000 VMs is more arguments than a call takes.
  const natural = head.map((h, c) => rows.reduce((w, row) => Math.max(w, length(row[c] ?? '')), length(h)) + PADDING);
  const borders = head.length + 1;
  const floor = (c: number) => Math.min(natural[c]!, MIN_TEXT + PADDING);
  const capped = (cap: number) =>
    natural.map((w, c) => (cuttable.includes(c) ? Math.max(floor(c), Math.min(w, cap)) : w));
  const total = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + borders;
  // The widest cap that fits: the longest names are cut first and the cut columns end up alike.
  let cap = natural.reduce((a, b) => Math.max(a, b), 0);
  while (cap > 0 && total(capped(cap)) > width) cap -= 1;
  const widths = capped(cap);
  const cutColumns = new Map(
    cuttable
      .filter((c) => widths[c]! < natural[c]!)
      .map(
        (c) =>
          [
            c,
            fitNames(
              rows.map((row) => row[c] ?? ''),
              widths[c]! - PADDING,
            ),
          ] as const,
      ),
  );
  return {
    colWidths: widths,
    rows: rows.map((row, r) => row.map((cell, c) => cutColumns.get(c)?.[r] ?? cell)),
  };
}

export interface TextTableOptions {
  /** Total width, borders included (the terminal's, or the 120-column default for pipes and files). */
  width: number;
  /** Columns of names and ids that may be cut to fit. */
  cuttable: readonly number[];
  /** cli-table3 style; plain (no colour codes) by default. */
  style?: Partial<Table.TableInstanceOptions['style']>;
}

/** A cli-table3 table of `head` and `rows`, fitted to `options.width` by `fitTable`. */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  options: TextTableOptions,
): string {
  const fitted = fitTable(head, rows, options.width, options.cuttable);
  const table = new Table({
    head: [...head],
    colWidths: fitted.colWidths,
    style: options.style ?? { head: [], border: [] },
  });
  table.push(...fitted.rows);
  return table.toString();
}
