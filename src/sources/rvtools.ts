import { getOrCreate } from '../model/get-or-create';
import type { HypervisorVendor } from '../model/host';
import { bool, compact, numeric } from './json-access';
import { contentId } from './ids';
import { emit, rejected, type Outcomes } from './outcome';
import { rfc3339AssumingUtc } from './time';
import type { RecordLocation } from './types';
import type { Sheet, SheetRow } from './rvtools-sheets';
import { completeMarker, coveredHostFields, coveredVmFields, vcenterScope } from './rvtools-coverage';
import { inventorySnapshotOutcomes } from './inventory-snapshot';

/**
 * RVTools exports as bulk inventory. Each VM's rows in vInfo, vCPU, vMemory, vDisk and vNetwork are joined into
 * one vm.upsert; each vHost row gives a host.upsert. Ids: VM ID (MoRef, lines up with vCenter events), else
 * VM UUID, else the VM name. Event ids hash content and the export time, so re-ingesting an export counts as
 * duplicates while a later export with other values is new.
 */

class RowError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

function text(row: SheetRow, column: string): string | undefined {
  const v = row.cells.get(column);
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString();
  const s = String(v).trim();
  return s === '' ? undefined : s;
}

/** A number column: absent or blank is fine (older exports), text that is not a number is an error. */
function number(row: SheetRow, column: string): number | undefined {
  const v = row.cells.get(column);
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return undefined;
  const n = numeric(v);
  if (n === undefined)
    throw new RowError(column, `${column} must be a number, got ${JSON.stringify(String(v)).slice(0, 60)}`);
  return n;
}

function flag(row: SheetRow, column: string): boolean | undefined {
  const v = row.cells.get(column);
  return v === null || v === undefined || v instanceof Date ? undefined : bool(v);
}

function positiveInt(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

function powerState(s: string | undefined): 'poweredOn' | 'poweredOff' | 'suspended' | undefined {
  return s === 'poweredOn' || s === 'poweredOff' || s === 'suspended' ? s : undefined;
}

function controllerOf(label: string | undefined): 'ide' | 'sata' | 'scsi' | 'nvme' | undefined {
  if (!label) return undefined;
  if (/nvme/i.test(label)) return 'nvme';
  if (/sata|ahci/i.test(label)) return 'sata';
  if (/\bide\b/i.test(label)) return 'ide';
  if (/scsi|lsi|paravirtual|buslogic|pvscsi/i.test(label)) return 'scsi';
  return undefined;
}

/** `VMware ESXi 7.0.3 build-20328353` -> version and build. */
function esxVersion(s: string | undefined): { version?: string; build?: string } {
  const m = s ? /(\d+\.\d+(?:\.\d+)?)(?:.*?build-(\d+))?/.exec(s) : null;
  return m ? compact({ version: m[1], build: m[2] }) : {};
}

/** `[datastore1] vm/vm.vmx` -> `datastore1`. */
function datastoreFromPath(p: string | undefined): string | undefined {
  const m = p ? /^\[([^\]]+)\]/.exec(p) : null;
  return m?.[1];
}

export interface RvtoolsInput {
  file: string;
  sheets: Sheet[];
  /** Export time: vMetaData's `xlsx creation datetime`, workbook created date, or the caller's snapshot time. */
  fallbackTime?: string;
  /** A whole export (a workbook): its vInfo and vHost list every VM and host of their vCenter. */
  whole?: boolean;
}

export function exportTime(sheets: Sheet[], fallback: string | undefined): string | undefined {
  const meta = sheets.find((s) => s.name === 'vMetaData')?.rows[0];
  const fromMeta = meta ? rfc3339AssumingUtc(meta.cells.get('xlsx creation datetime') ?? null) : undefined;
  return fromMeta ?? fallback;
}

interface VmAcc {
  id: string;
  /** Tab of the first row naming the VM, for messages about the joined event. */
  sheet: string;
  at: RecordLocation;
  vm: Record<string, unknown>;
  settings: Record<string, string | number | boolean>;
  disks: { controller: string; sizeGiB?: number }[];
  nics: { network: string; adapter?: string; passthrough?: boolean }[];
  vinfoNics: { network: string }[];
  /** `VI SDK Server` of the first row naming the VM. */
  server?: string;
}

export function normaliseRvtools(input: RvtoolsInput): Outcomes {
  const { file, sheets } = input;
  const out: Outcomes = [];
  const time = exportTime(sheets, input.fallbackTime);
  if (!time) {
    return [
      rejected(
        'rvtools',
        { file },
        'no export time: the export has no vMetaData sheet and no creation date',
        'vMetaData',
      ),
    ];
  }
  const get = (name: string) => sheets.find((s) => s.name === name);
  const loc = (sheet: string, row: SheetRow): RecordLocation => ({ file, record: `${sheet} row ${row.rowNumber}` });
  // Full snapshots (issue 21): which fields the tabs present state whole, and each row's vCenter.
  const hostFields = coveredHostFields(sheets);
  const vmFields = coveredVmFields(sheets);
  const metaServer = text(get('vMetaData')?.rows[0] ?? { rowNumber: 0, cells: new Map() }, 'Server');
  const scopeOf = (server: string | undefined) => {
    const scope = vcenterScope(server ?? metaServer);
    return scope ? { scope } : {};
  };

  // Hosts first: VMs refer to hosts by name, and an export with Object IDs lets us use the MoRef instead.
  const hostIdByName = new Map<string, string>();
  for (const row of get('vHost')?.rows ?? []) {
    const name = text(row, 'Host');
    if (!name) {
      out.push(rejected('rvtools', loc('vHost', row), 'row has no Host name', 'vHost.Host'));
      continue;
    }
    try {
      const id = text(row, 'Object ID') ?? name;
      hostIdByName.set(name, id);
      const sockets = positiveInt(number(row, '# CPU'));
      const cores =
        positiveInt(number(row, 'Cores per CPU')) ??
        (sockets ? positiveInt((number(row, '# Cores') ?? 0) / sockets) : undefined);
      const mhz = number(row, 'Speed');
      const ht = flag(row, 'HT Active');
      const ntp = text(row, 'NTP Server(s)');
      const host = compact({
        id,
        name,
        datacenter: text(row, 'Datacenter'),
        cluster: text(row, 'Cluster'),
        hypervisor: { vendor: 'vmware' as HypervisorVendor, ...esxVersion(text(row, 'ESX Version')) },
        cpu:
          sockets && cores && mhz && mhz > 0
            ? compact({
                sockets,
                coresPerSocket: cores,
                threadsPerCore: ht === undefined ? undefined : ht ? 2 : 1,
                mhz,
              })
            : undefined,
        memoryMiB: number(row, '# Memory'),
        maintenanceMode: flag(row, 'in Maintenance Mode'),
        ntpServers: ntp ? ntp.split(/[,;]\s*/).filter(Boolean) : undefined,
      });
      const whole = { ...completeMarker(hostFields), ...scopeOf(text(row, 'VI SDK Server')) };
      out.push(
        emit(
          'rvtools',
          loc('vHost', row),
          {
            id: contentId('rvtools', { time, host, ...whole }),
            time,
            type: 'host.upsert',
            source: 'rvtools',
            host,
            ...whole,
          },
          'vHost:',
        ),
      );
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      out.push(rejected('rvtools', loc('vHost', row), e.message, `vHost.${e.column}`));
    }
  }

  const vms = new Map<string, VmAcc>();
  // Any tab that pairs a VM's name or UUID with its MoRef lets rows elsewhere that lack the MoRef (older
  // exports, truncated rows) join the same VM.
  const idByUuid = new Map<string, string>();
  const idByName = new Map<string, string>();
  for (const sheet of sheets) {
    for (const row of sheet.rows) {
      const moref = text(row, 'VM ID');
      if (!moref) continue;
      const name = text(row, 'VM');
      const uuid = text(row, 'VM UUID');
      if (name && !idByName.has(name)) idByName.set(name, moref);
      if (uuid && !idByUuid.has(uuid)) idByUuid.set(uuid, moref);
    }
  }
  const vmKey = (row: SheetRow): string | undefined => {
    const moref = text(row, 'VM ID');
    if (moref) return moref;
    const uuid = text(row, 'VM UUID');
    if (uuid) return idByUuid.get(uuid) ?? uuid;
    const name = text(row, 'VM');
    return name ? (idByName.get(name) ?? name) : undefined;
  };
  const acc = (sheet: string, row: SheetRow): { a: VmAcc; created: boolean } | undefined => {
    const id = vmKey(row);
    if (!id) {
      out.push(rejected('rvtools', loc(sheet, row), 'row names no VM (VM, VM ID or VM UUID)', `${sheet}.VM`));
      return undefined;
    }
    const existing = vms.get(id);
    if (existing) return { a: existing, created: false };
    const a: VmAcc = {
      id,
      sheet,
      at: loc(sheet, row),
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
  const hostRef = (row: SheetRow) => {
    const h = text(row, 'Host');
    return h ? (hostIdByName.get(h) ?? h) : undefined;
  };
  const each = (sheet: string, fn: (row: SheetRow, a: VmAcc) => void) => {
    for (const row of get(sheet)?.rows ?? []) {
      const found = acc(sheet, row);
      if (!found) continue;
      try {
        fn(row, found.a);
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        out.push(rejected('rvtools', loc(sheet, row), e.message, `${sheet}.${e.column}`));
        // A VM known only from the rejected row must not appear as an empty upsert.
        if (found.created) vms.delete(found.a.id);
      }
    }
  };

  each('vInfo', (row, a) => {
    const name = text(row, 'VM');
    Object.assign(
      a.vm,
      compact({
        name,
        hostId: hostRef(row),
        cluster: text(row, 'Cluster'),
        datacenter: text(row, 'Datacenter'),
        datastore: datastoreFromPath(text(row, 'Path')),
        vcpus: positiveInt(number(row, 'CPUs')),
        memoryMiB: number(row, 'Memory'),
        powerState: powerState(text(row, 'Powerstate')),
        guestOs: text(row, 'OS according to the configuration file') ?? text(row, 'OS according to the VMware Tools'),
      }),
    );
    const firmware = text(row, 'Firmware');
    if (firmware) a.settings.firmware = firmware;
    const secureBoot = flag(row, 'EFI Secure boot');
    if (secureBoot !== undefined) a.settings['uefi.secureBoot.enabled'] = secureBoot;
    if (flag(row, 'Template') === true) a.vm.labels = { template: true };
    for (let n = 1; n <= 8; n++) {
      const net = text(row, `Network #${n}`);
      if (net) a.vinfoNics.push({ network: net });
    }
  });
  each('vCPU', (row, a) => {
    const cpus = positiveInt(number(row, 'CPUs'));
    if (cpus) a.vm.vcpus = cpus;
    const hotAdd = flag(row, 'Hot Add');
    if (hotAdd !== undefined) a.settings['vcpu.hotadd'] = hotAdd;
    const hotRemove = flag(row, 'Hot Remove');
    if (hotRemove !== undefined) a.settings['vcpu.hotremove'] = hotRemove;
    if (a.vm.name === undefined && text(row, 'VM')) a.vm.name = text(row, 'VM');
  });
  each('vMemory', (row, a) => {
    const size = number(row, 'Size MiB');
    if (size !== undefined) a.vm.memoryMiB = size;
    const hotAdd = flag(row, 'Hot Add');
    if (hotAdd !== undefined) a.settings['mem.hotadd'] = hotAdd;
    if (a.vm.name === undefined && text(row, 'VM')) a.vm.name = text(row, 'VM');
  });
  each('vDisk', (row, a) => {
    const controller = controllerOf(text(row, 'Controller'));
    const mib = number(row, 'Capacity MiB');
    if (controller)
      a.disks.push(
        compact({ controller, sizeGiB: mib === undefined ? undefined : Math.round((mib / 1024) * 1000) / 1000 }),
      );
    if (a.vm.name === undefined && text(row, 'VM')) a.vm.name = text(row, 'VM');
  });
  each('vNetwork', (row, a) => {
    const network = text(row, 'Network');
    if (network)
      a.nics.push(compact({ network, adapter: text(row, 'Adapter'), passthrough: flag(row, 'Direct Path IO') }));
    if (a.vm.name === undefined && text(row, 'VM')) a.vm.name = text(row, 'VM');
  });

  for (const a of vms.values()) {
    const nics = a.nics.length > 0 ? a.nics : a.vinfoNics;
    const vm = compact({
      id: a.id,
      ...a.vm,
      settings: Object.keys(a.settings).length > 0 ? a.settings : undefined,
      disks: a.disks.length > 0 ? a.disks : undefined,
      nics: nics.length > 0 ? nics : undefined,
    });
    const whole = { ...completeMarker(vmFields), ...scopeOf(a.server) };
    out.push(
      emit(
        'rvtools',
        a.at,
        { id: contentId('rvtools', { time, vm, ...whole }), time, type: 'vm.upsert', source: 'rvtools', vm, ...whole },
        `${a.sheet}:`,
      ),
    );
  }
  if (input.whole) out.push(...wholeInventories(file, time, get('vHost'), get('vInfo'), metaServer, vmKey));
  return out;
}

/**
 * A workbook's vHost and vInfo list every host and VM of their vCenter: one inventory snapshot per vCenter
 * (`VI SDK Server`; merged workbooks hold several). A rejected row still names an entity that exists, so it
 * is listed; a row naming none makes that list unknown, and then it is left out rather than guessed.
 */
function wholeInventories(
  file: string,
  time: string,
  vHost: Sheet | undefined,
  vInfo: Sheet | undefined,
  metaServer: string | undefined,
  vmKey: (row: SheetRow) => string | undefined,
): Outcomes {
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
