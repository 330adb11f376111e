import type { Scope } from '../model/event';
import type { Sheet } from './rvtools-sheets';

/**
 * Which entity fields an RVTools export states whole. A tab lists every VM (or host) of its vCenter, so a
 * field read from a tab that is present is whole for every entity it names: a VM with no vNetwork rows has no
 * NICs. Only fields whose columns the tab really has count (older exports lack some), and never `settings` or
 * `labels`: RVTools reads a handful of keys, and other producers own the rest of those maps.
 */
const VM_FIELDS_BY_SHEET: Record<string, [field: string, columns: string[]][]> = {
  vInfo: [
    ['name', ['VM']],
    ['hostId', ['Host']],
    ['cluster', ['Cluster']],
    ['datacenter', ['Datacenter']],
    ['datastore', ['Path']],
    ['vcpus', ['CPUs']],
    ['memoryMiB', ['Memory']],
    ['powerState', ['Powerstate']],
    ['guestOs', ['OS according to the configuration file', 'OS according to the VMware Tools']],
    ['nics', ['Network #1']],
  ],
  vCPU: [['vcpus', ['CPUs']]],
  vMemory: [['memoryMiB', ['Size MiB']]],
  vDisk: [['disks', ['Controller']]],
  vNetwork: [['nics', ['Network']]],
};

const HOST_FIELDS_BY_SHEET: Record<string, [field: string, columns: string[]][]> = {
  vHost: [
    ['name', ['Host']],
    ['datacenter', ['Datacenter']],
    ['cluster', ['Cluster']],
    ['hypervisor', ['ESX Version']],
    ['cpu', ['# CPU']],
    ['memoryMiB', ['# Memory']],
    ['maintenanceMode', ['in Maintenance Mode']],
    ['ntpServers', ['NTP Server(s)']],
  ],
};

function hasColumn(sheet: Sheet, column: string): boolean {
  return sheet.rows.some((row) => row.cells.has(column));
}

function covered(sheets: readonly Sheet[], bySheet: Record<string, [string, string[]][]>): string[] {
  const fields = new Set<string>();
  for (const sheet of sheets) {
    for (const [field, columns] of bySheet[sheet.name] ?? [])
      if (columns.some((c) => hasColumn(sheet, c))) fields.add(field);
  }
  return [...fields].sort();
}

export const coveredVmFields = (sheets: readonly Sheet[]) => covered(sheets, VM_FIELDS_BY_SHEET);
export const coveredHostFields = (sheets: readonly Sheet[]) => covered(sheets, HOST_FIELDS_BY_SHEET);

/** The `complete` marker for the fields, or nothing when the export states none whole. */
export function completeMarker(fields: string[]): { complete: { fields: string[] } } | Record<string, never> {
  return fields.length > 0 ? { complete: { fields } } : {};
}

/** An RVTools row's vCenter: its `VI SDK Server` column, else vMetaData's `Server`. */
export function vcenterScope(server: string | undefined): Scope | undefined {
  return server ? { source: 'vcenter', instance: server } : undefined;
}
