import type { Vm } from '../../model/vm';
import type { ObjectContent } from './property-collector';
import { nameOf, refKey, type Topology } from './topology';
import { optionValues } from './typed-value';
import { child, childBool, childNumber, childText, children, moRef, text, xsiType, type XmlValue } from './xml';

/** VirtualMachine properties read (vSphere API reference, VirtualMachine / VirtualMachineConfigInfo). */
export const VM_PATHS = [
  'name',
  'runtime.host',
  'runtime.powerState',
  'datastore',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.hardware.device',
  'config.guestId',
  'config.version',
  'config.template',
  'config.extraConfig',
  'config.migrateEncryption',
  'config.ftEncryptionMode',
  'config.keyId',
  'snapshot',
] as const;

const ADAPTERS: Record<string, string> = {
  VirtualVmxnet3: 'vmxnet3',
  VirtualVmxnet3Vrdma: 'vmxnet3',
  VirtualVmxnet2: 'vmxnet2',
  VirtualVmxnet: 'vmxnet',
  VirtualE1000: 'e1000',
  VirtualE1000e: 'e1000e',
  VirtualPCNet32: 'pcnet32',
  VirtualSriovEthernetCard: 'sriov',
};

const CONTROLLERS: Record<string, 'ide' | 'sata' | 'scsi' | 'nvme'> = {
  VirtualIDEController: 'ide',
  VirtualAHCIController: 'sata',
  VirtualSATAController: 'sata',
  VirtualLsiLogicController: 'scsi',
  VirtualLsiLogicSASController: 'scsi',
  ParaVirtualSCSIController: 'scsi',
  VirtualBusLogicController: 'scsi',
  VirtualNVMEController: 'nvme',
};

const DEVICE_KINDS: Record<string, keyof NonNullable<Vm['connectedDevices']>> = {
  VirtualFloppy: 'floppy',
  VirtualSerialPort: 'serial',
  VirtualParallelPort: 'parallel',
  VirtualUSB: 'usb',
  VirtualCdrom: 'cdrom',
};

/** Snapshot trees are walked iteratively and bounded (vSphere allows 32 per chain; a hostile tree cannot spin). */
function snapshots(info: XmlValue | undefined): Vm['snapshots'] | undefined {
  if (info === undefined) return undefined;
  const stack = [...children(info, 'rootSnapshotList')];
  let count = 0;
  let oldest: string | undefined;
  while (stack.length > 0 && count < 10_000) {
    const node = stack.pop();
    count++;
    const created = childText(node, 'createTime');
    if (
      created &&
      !Number.isNaN(Date.parse(created)) &&
      (oldest === undefined || Date.parse(created) < Date.parse(oldest))
    )
      oldest = new Date(created).toISOString();
    stack.push(...children(node, 'childSnapshotList'));
  }
  return { count, ...(oldest && { oldest }) };
}

export interface MappedVm {
  moref: string;
  vm: Vm;
}

export function mapVm(
  o: ObjectContent,
  hosts: Map<string, { id: string; cluster?: string; datacenter?: string }>,
  topology: Topology,
  scoped: (moref: string) => string,
  vcenter: string,
): MappedVm {
  const p = (name: string) => o.props.get(name);
  const hostRef = moRef(p('runtime.host'));
  const host = hostRef ? hosts.get(hostRef.value) : undefined;
  const devices = children(p('config.hardware.device'), 'VirtualDevice');
  const controllerOf = new Map<string, 'ide' | 'sata' | 'scsi' | 'nvme'>();
  for (const d of devices) {
    const kind = CONTROLLERS[xsiType(d) ?? ''];
    const key = childText(d, 'key');
    if (kind && key) controllerOf.set(key, kind);
  }
  const nics: NonNullable<Vm['nics']> = [];
  const disks: NonNullable<Vm['disks']> = [];
  const connected: NonNullable<Vm['connectedDevices']> = {};
  // Every virtual device by class, as the SCG/STIG device and DirectPath rules read them (bounded like the model).
  const deviceList: NonNullable<Vm['devices']> = [];
  for (const d of devices) {
    const type = xsiType(d) ?? '';
    if (type !== '' && deviceList.length < 1000) {
      const label = childText(d, 'deviceInfo', 'label');
      const isConnected = childBool(d, 'connectable', 'connected');
      deviceList.push({
        type: type.slice(0, 64),
        ...(label !== undefined && { label: label.slice(0, 512) }),
        ...(isConnected !== undefined && { connected: isConnected }),
      });
    }
    const adapter = ADAPTERS[type];
    if (adapter) {
      const backing = child(d, 'backing');
      const portgroup = childText(backing, 'port', 'portgroupKey');
      const network =
        childText(backing, 'deviceName') ??
        (portgroup ? (topology.byRef.get(`DistributedVirtualPortgroup:${portgroup}`)?.name ?? portgroup) : undefined) ??
        nameOf(topology, child(backing, 'network')) ??
        childText(backing, 'opaqueNetworkId') ??
        '';
      nics.push({ network, adapter, ...(type === 'VirtualSriovEthernetCard' && { passthrough: true }) });
    } else if (type === 'VirtualDisk') {
      const controller = controllerOf.get(childText(d, 'controllerKey') ?? '');
      const kb = childNumber(d, 'capacityInKB');
      if (controller)
        disks.push({ controller, ...(kb !== undefined && { sizeGiB: Math.round((kb / 1048576) * 100) / 100 }) });
    } else if (DEVICE_KINDS[type] && childBool(d, 'connectable', 'connected') === true) {
      const kind = DEVICE_KINDS[type]!;
      connected[kind] = (connected[kind] ?? 0) + 1;
    } else if (type === 'VirtualPCIPassthrough') {
      nics.push({ network: 'pci-passthrough', passthrough: true });
    }
  }
  const settings = optionValues(p('config.extraConfig'));
  // The API's typed modes are the vmx keys the SCG names; extraConfig does not repeat them.
  const migrate = text(p('config.migrateEncryption'));
  if (migrate && settings['migrate.encryptionMode'] === undefined) settings['migrate.encryptionMode'] = migrate;
  const ft = text(p('config.ftEncryptionMode'));
  if (ft && settings['ft.encryptionMode'] === undefined) settings['ft.encryptionMode'] = ft;
  const datastores = children(p('datastore'), 'ManagedObjectReference')
    .map((d) => nameOf(topology, d))
    .filter((n): n is string => n !== undefined);
  const power = text(p('runtime.powerState'));
  const vcpus = childNumber(p('config.hardware.numCPU'));
  const memory = childNumber(p('config.hardware.memoryMB'));
  // The collector always asks for `snapshot`, and the PropertyCollector leaves out unset properties: absent means
  // no snapshot (reported, so the snapshot rules pass), unless vCenter listed it as missing (not readable).
  const snaps = o.missing.includes('snapshot') ? undefined : (snapshots(p('snapshot')) ?? { count: 0 });
  const vm: Vm = {
    id: scoped(o.obj.value),
    name: text(p('name')) ?? o.obj.value,
    ...(host && { hostId: host.id }),
    ...(host?.cluster && { cluster: host.cluster }),
    ...(host?.datacenter && { datacenter: host.datacenter }),
    ...(datastores[0] && { datastore: datastores[0] }),
    ...(datastores.length > 0 && { datastores }),
    ...(vcpus && { vcpus }),
    ...(memory !== undefined && { memoryMiB: memory }),
    ...(power === 'poweredOn' || power === 'poweredOff' || power === 'suspended' ? { powerState: power } : {}),
    ...(text(p('config.guestId')) && { guestOs: text(p('config.guestId'))! }),
    ...(nics.length > 0 && { nics }),
    ...(disks.length > 0 && { disks }),
    ...(Object.keys(settings).length > 0 && { settings }),
    ...(text(p('config.version')) && { hardwareVersion: text(p('config.version'))! }),
    connectedDevices: connected,
    devices: deviceList,
    ...(ft && { ftEncryptionMode: ft }),
    encrypted: childText(p('config.keyId'), 'keyId') !== undefined,
    ...(snaps && { snapshots: snaps }),
    labels: { vcenter, moref: o.obj.value, ...(childBool(p('config.template')) === true && { template: true }) },
  };
  return { moref: o.obj.value, vm };
}

export { refKey };
