import type { VmView } from '../../model/fleet';
import type { VmContext } from '../fleet-index';
import { fact, type FactDef } from './define';
import { vmConfigHint } from './collect-hints';

/** The device classes VMware's audit-vm-8.ps1 reports as unnecessary hardware (its $UnnecessaryHardware pattern). */
export const UNNECESSARY_DEVICE_TYPES = [
  'VirtualUSBController',
  'VirtualUSBXHCIController',
  'VirtualParallelPort',
  'VirtualFloppy',
  'VirtualSerialPort',
  'VirtualHdAudioCard',
  'VirtualAHCIController',
  'VirtualEnsoniq1371',
  'VirtualCdrom',
] as const;
const UNNECESSARY = new Set<string>(UNNECESSARY_DEVICE_TYPES);
/** The STIG's device checks (VMCH-80-000209–000213): a CD/DVD drive passes when it is not connected. */
const STIG_UNNEEDED = new Set<string>([
  'VirtualFloppy',
  'VirtualCdrom',
  'VirtualParallelPort',
  'VirtualSerialPort',
  'VirtualUSBController',
  'VirtualUSBXHCIController',
]);

function unnecessaryDevices(vm: VmView, list: 'scg' | 'stig'): string[] {
  const hits = (vm.devices ?? []).filter((d) =>
    list === 'scg'
      ? UNNECESSARY.has(d.type)
      : STIG_UNNEEDED.has(d.type) && !(d.type === 'VirtualCdrom' && d.connected === false),
  );
  return hits.map((d) => (d.label === undefined ? d.type : `${d.type}:${d.label}`)).sort();
}

const listParam = [
  {
    name: 'list',
    required: false,
    description: '`scg` (VMware’s audit script, default) or `stig` (the STIG’s device checks)',
  },
];

/** DirectPath I/O (PCI passthrough, dynamic DirectPath, vGPU) devices and passthrough or SR-IOV NICs. */
function passthroughDevices(vm: VmView): string[] {
  const devices = (vm.devices ?? []).filter((d) => d.type === 'VirtualPCIPassthrough').map((d) => d.label ?? d.type);
  const nics = (vm.nics ?? [])
    .filter((n) => n.passthrough === true || /sr-?iov/i.test(n.adapter ?? ''))
    .map((n) => `nic:${n.network}`);
  return [...devices, ...nics];
}

/** `vmx-21` (config.version) or `21` (the vmx key) as 21; null when absent or unreadable. */
function hardwareVersion(vm: VmView): number | null {
  const raw = vm.hardwareVersion ?? vm.settings?.['virtualHW.version'];
  const m = /^(?:vmx-)?(\d{1,3})$/i.exec(String(raw ?? '').trim());
  return m ? Number(m[1]) : null;
}

/** A VM whose device list was never reported has no known unneeded devices, not none. */
const devicesProvenance = {
  reported: (ctx: VmContext) => ctx.vm.devices !== undefined,
  collect: (ctx: VmContext) => vmConfigHint(ctx, 'virtual devices (config.hardware.device)'),
};

const DVFILTER_KEY = /^ethernet\d+\.filter\d+\.name/i;

/** VM facts for SCG/STIG controls read from the VM's configuration (see src/model/vm.ts). */
export const vmConfigFacts: FactDef<'vm'>[] = [
  fact<'vm'>({
    id: 'unnecessaryDevices',
    description:
      'Unneeded devices present, as `Type` or `Type:label`, sorted. `list: scg` (default): the classes VMware’s audit script flags (USB, serial, parallel, floppy, CD/DVD, sound, AHCI); `list: stig`: floppy, connected CD/DVD, parallel, serial and USB (VMCH-80-000209–000213).',
    params: listParam,
    compute: (ctx, p) => unnecessaryDevices(ctx.vm, p.list === 'stig' ? 'stig' : 'scg'),
    provenance: devicesProvenance,
  }),
  fact<'vm'>({
    id: 'unnecessaryDeviceCount',
    description: 'Number of `unnecessaryDevices` (same `list` param).',
    params: listParam,
    compute: (ctx, p) => unnecessaryDevices(ctx.vm, p.list === 'stig' ? 'stig' : 'scg').length,
    provenance: devicesProvenance,
  }),
  fact<'vm'>({
    id: 'passthroughDevices',
    description:
      'DirectPath I/O devices (`VirtualPCIPassthrough`: GPU, HBA, NVMe, dynamic DirectPath) and passthrough / SR-IOV NICs.',
    compute: (ctx) => passthroughDevices(ctx.vm),
  }),
  fact<'vm'>({
    id: 'passthroughDeviceCount',
    description: 'Number of `passthroughDevices`.',
    compute: (ctx) => passthroughDevices(ctx.vm).length,
  }),
  fact<'vm'>({
    id: 'hardwareVersion',
    description:
      'Virtual hardware version as a number (`vmx-21` → 21, from `hardwareVersion` or the `virtualHW.version` vmx key); null when unknown.',
    compute: (ctx) => hardwareVersion(ctx.vm),
    provenance: { collect: (ctx) => vmConfigHint(ctx, 'virtual hardware version (config.version)') },
  }),
  fact<'vm'>({
    id: 'ftEncryptionMode',
    description: 'Fault Tolerance encryption mode (config.ftEncryptionMode); null when not reported.',
    compute: (ctx) => ctx.vm.ftEncryptionMode ?? null,
    provenance: { collect: (ctx) => vmConfigHint(ctx, 'FT encryption mode (config.ftEncryptionMode)') },
  }),
  fact<'vm'>({
    id: 'loggingEnabled',
    description:
      'VM diagnostic logging (config.flags.enableLogging, else the `logging` vmx key); null when neither is reported.',
    compute: (ctx) => {
      if (ctx.vm.loggingEnabled !== undefined) return ctx.vm.loggingEnabled;
      const v = ctx.vm.settings?.logging;
      return v === undefined ? null : String(v).trim().toLowerCase() === 'true';
    },
    provenance: { collect: (ctx) => vmConfigHint(ctx, 'VM logging (config.flags.enableLogging)') },
  }),
  fact<'vm'>({
    id: 'dvfilterKeys',
    description: 'vmx keys `ethernetN.filterM.name*` (dvFilter network API attachments), sorted.',
    compute: (ctx) =>
      Object.keys(ctx.vm.settings ?? {})
        .filter((k) => DVFILTER_KEY.test(k))
        .sort(),
  }),
  fact<'vm'>({
    id: 'dvfilterCount',
    description: 'Number of `dvfilterKeys`.',
    compute: (ctx) => Object.keys(ctx.vm.settings ?? {}).filter((k) => DVFILTER_KEY.test(k)).length,
  }),
];
