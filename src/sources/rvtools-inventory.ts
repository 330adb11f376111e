import { getOrCreate } from '../model/get-or-create';
import { inventorySnapshotOutcomes } from './inventory-snapshot';
import type { Outcomes } from './outcome';
import { text } from './rvtools-cells';
import { type RvtoolsExport, sheetOf } from './rvtools-export';
import type { Sheet, SheetRow } from './rvtools-sheets';

/**
 * A workbook's vHost and vInfo list every host and VM of their vCenter: one inventory snapshot per vCenter
 * (`VI SDK Server`; merged workbooks hold several). A rejected row still names an entity that exists, so it
 * is listed; a row naming none makes that list unknown, and then it is left out rather than guessed.
 */
export function wholeInventories(x: RvtoolsExport, vmKey: (row: SheetRow) => string | undefined): Outcomes {
  const { file, time, metaServer } = x;
  const vHost = sheetOf(x.sheets, 'vHost');
  const vInfo = sheetOf(x.sheets, 'vInfo');
  const byServer = new Map<string, { hosts?: string[]; vms?: string[]; unknown: Set<'hosts' | 'vms'> }>();
  const collect = (sheet: Sheet | undefined, kind: 'hosts' | 'vms', idOf: (row: SheetRow) => string | undefined) => {
    for (const row of sheet?.rows ?? []) {
      const server = text(row, 'VI SDK Server') ?? metaServer;
      if (!server) continue;
      const entry = getOrCreate(byServer, server, () => ({ unknown: new Set<'hosts' | 'vms'>() }));
      const id = idOf(row);
      if (id === undefined) entry.unknown.add(kind);
      else {
        entry[kind] ??= [];
        entry[kind].push(id);
      }
    }
  };
  collect(vHost, 'hosts', (row) => text(row, 'Object ID') ?? text(row, 'Host'));
  collect(vInfo, 'vms', vmKey);
  // A present tab with no rows: the vCenter has none of that kind (only with one known vCenter).
  if (metaServer && !byServer.has(metaServer) && (vHost || vInfo)) byServer.set(metaServer, { unknown: new Set() });
  const out: Outcomes = [];
  for (const [server, entry] of byServer) {
    const lists = {
      ...(vHost && !entry.unknown.has('hosts') && { hosts: entry.hosts ?? [] }),
      ...(vInfo && !entry.unknown.has('vms') && { vms: entry.vms ?? [] }),
    };
    out.push(
      ...inventorySnapshotOutcomes(
        'rvtools',
        { file, record: `vInfo/vHost of ${server}` },
        { source: 'vcenter', instance: server },
        time,
        lists,
      ),
    );
  }
  return out;
}
