/** One RVTools export being normalised: its tabs, its time, and how its rows are named in messages and scoped. */
import type { Scope } from '../model/event';
import type { RecordLocation } from './types';
import { text } from './rvtools-cells';
import { coveredHostFields, coveredVmFields, vcenterScope } from './rvtools-coverage';
import type { Sheet, SheetRow } from './rvtools-sheets';

export interface RvtoolsExport {
  file: string;
  time: string;
  sheets: Sheet[];
  /** `Server` of vMetaData: the vCenter of rows that do not name their own. */
  metaServer: string | undefined;
  /** Full snapshots (issue 21): which fields the tabs present state whole. */
  hostFields: ReturnType<typeof coveredHostFields>;
  vmFields: ReturnType<typeof coveredVmFields>;
}

export function rvtoolsExport(file: string, time: string, sheets: Sheet[]): RvtoolsExport {
  const meta = sheetOf(sheets, 'vMetaData')?.rows[0];
  return {
    file,
    time,
    sheets,
    metaServer: text(meta ?? { rowNumber: 0, cells: new Map() }, 'Server'),
    hostFields: coveredHostFields(sheets),
    vmFields: coveredVmFields(sheets),
  };
}

export function sheetOf(sheets: readonly Sheet[], name: string): Sheet | undefined {
  return sheets.find((s) => s.name === name);
}

export function rowLocation(x: RvtoolsExport, sheet: string, row: SheetRow): RecordLocation {
  return { file: x.file, record: `${sheet} row ${row.rowNumber}` };
}

/** The vCenter scope of a row's `VI SDK Server`, else of the export's. */
export function scopeOf(x: RvtoolsExport, server: string | undefined): { scope?: Scope } {
  const scope = vcenterScope(server ?? x.metaServer);
  return scope ? { scope } : {};
}
