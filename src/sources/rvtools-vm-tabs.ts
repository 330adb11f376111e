/** What each VM tab of an RVTools export adds to the VM it names; the tabs are joined into one vm.upsert. */
import type { RecordLocation } from './types';
import { compact } from './json-access';
import { controllerOf, datastoreFromPath, flag, number, positiveInt, powerState, text } from './rvtools-cells';
import type { SheetRow } from './rvtools-sheets';

export interface VmAcc {
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

/** Reads one row into its VM; `hostRef` maps the row's `Host` name to the host's id. */
type TabReader = (row: SheetRow, a: VmAcc, hostRef: (row: SheetRow) => string | undefined) => void;

const vInfo: TabReader = (row, a, hostRef) => {
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
};

/** The tabs other than vInfo name the VM too: the first such name counts when vInfo has none. */
function nameFromAnyTab(row: SheetRow, a: VmAcc): void {
  if (a.vm.name === undefined && text(row, 'VM')) a.vm.name = text(row, 'VM');
}

const vCPU: TabReader = (row, a) => {
  const cpus = positiveInt(number(row, 'CPUs'));
  if (cpus) a.vm.vcpus = cpus;
  const hotAdd = flag(row, 'Hot Add');
  if (hotAdd !== undefined) a.settings['vcpu.hotadd'] = hotAdd;
  const hotRemove = flag(row, 'Hot Remove');
  if (hotRemove !== undefined) a.settings['vcpu.hotremove'] = hotRemove;
  nameFromAnyTab(row, a);
};

const vMemory: TabReader = (row, a) => {
  const size = number(row, 'Size MiB');
  if (size !== undefined) a.vm.memoryMiB = size;
  const hotAdd = flag(row, 'Hot Add');
  if (hotAdd !== undefined) a.settings['mem.hotadd'] = hotAdd;
  nameFromAnyTab(row, a);
};

const vDisk: TabReader = (row, a) => {
  const controller = controllerOf(text(row, 'Controller'));
  const mib = number(row, 'Capacity MiB');
  if (controller)
    a.disks.push(
      compact({ controller, sizeGiB: mib === undefined ? undefined : Math.round((mib / 1024) * 1000) / 1000 }),
    );
  nameFromAnyTab(row, a);
};

const vNetwork: TabReader = (row, a) => {
  const network = text(row, 'Network');
  if (network)
    a.nics.push(compact({ network, adapter: text(row, 'Adapter'), passthrough: flag(row, 'Direct Path IO') }));
  nameFromAnyTab(row, a);
};

/** In the order they are read: vInfo first, so its values are the base the other tabs refine. */
export const VM_TABS: readonly (readonly [string, TabReader])[] = [
  ['vInfo', vInfo],
  ['vCPU', vCPU],
  ['vMemory', vMemory],
  ['vDisk', vDisk],
  ['vNetwork', vNetwork],
];
