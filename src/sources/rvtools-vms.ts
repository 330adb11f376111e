/** The VM tabs of an RVTools export joined per VM into vm.upsert events. */
import { contentId } from './ids';
import { compact } from './json-access';
import { emit, rejected, type Outcomes } from './outcome';
import { RowError, text } from './rvtools-cells';
import { completeMarker } from './rvtools-coverage';
import { type RvtoolsExport, rowLocation, scopeOf, sheetOf } from './rvtools-export';
import type { SheetRow } from './rvtools-sheets';
import { VM_TABS, type VmAcc } from './rvtools-vm-tabs';

/** Appends each rejected row, then one vm.upsert per VM, to `out`. */
export function vmUpserts(
  x: RvtoolsExport,
  hostIdByName: ReadonlyMap<string, string>,
  vmKey: (row: SheetRow) => string | undefined,
  out: Outcomes,
): void {
  const vms = joinVmRows(x, hostIdByName, vmKey, out);
  const { time } = x;
  for (const a of vms.values()) {
    const nics = a.nics.length > 0 ? a.nics : a.vinfoNics;
    const vm = compact({
      id: a.id,
      ...a.vm,
      settings: Object.keys(a.settings).length > 0 ? a.settings : undefined,
      disks: a.disks.length > 0 ? a.disks : undefined,
      nics: nics.length > 0 ? nics : undefined,
    });
    const whole = { ...completeMarker(x.vmFields), ...scopeOf(x, a.server) };
    out.push(
      emit(
        'rvtools',
        a.at,
        { id: contentId('rvtools', { time, vm, ...whole }), time, type: 'vm.upsert', source: 'rvtools', vm, ...whole },
        `${a.sheet}:`,
      ),
    );
  }
}

function joinVmRows(
  x: RvtoolsExport,
  hostIdByName: ReadonlyMap<string, string>,
  vmKey: (row: SheetRow) => string | undefined,
  out: Outcomes,
): Map<string, VmAcc> {
  const vms = new Map<string, VmAcc>();
  const hostRef = (row: SheetRow) => {
    const h = text(row, 'Host');
    return h ? (hostIdByName.get(h) ?? h) : undefined;
  };
  const accFor = (sheet: string, row: SheetRow): { a: VmAcc; created: boolean } | undefined => {
    const id = vmKey(row);
    if (!id) {
      out.push(
        rejected('rvtools', rowLocation(x, sheet, row), 'row names no VM (VM, VM ID or VM UUID)', `${sheet}.VM`),
      );
      return undefined;
    }
    const existing = vms.get(id);
    if (existing) return { a: existing, created: false };
    const a: VmAcc = {
      id,
      sheet,
      at: rowLocation(x, sheet, row),
      vm: {},
      settings: {},
      disks: [],
      nics: [],
      vinfoNics: [],
      server: text(row, 'VI SDK Server'),
    };
    vms.set(id, a);
    return { a, created: true };
  };
  for (const [sheet, read] of VM_TABS) {
    for (const row of sheetOf(x.sheets, sheet)?.rows ?? []) {
      const found = accFor(sheet, row);
      if (!found) continue;
      try {
        read(row, found.a, hostRef);
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        out.push(rejected('rvtools', rowLocation(x, sheet, row), e.message, `${sheet}.${e.column}`));
        // A VM known only from the rejected row must not appear as an empty upsert.
        if (found.created) vms.delete(found.a.id);
      }
    }
  }
  return vms;
}
