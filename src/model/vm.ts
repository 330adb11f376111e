import { z } from 'zod';
import { SettingValue } from './host';
import { TraceName } from './trace-name';

export const PowerState = z.enum(['poweredOn', 'poweredOff', 'suspended']);
export type PowerState = z.infer<typeof PowerState>;

/** Whether a VM counts toward its host's load: powered on unless the inventory says otherwise (most sources only report the state when it is off). */
export function isRunning(vm: { powerState?: PowerState | undefined }): boolean {
  return vm.powerState === undefined || vm.powerState === 'poweredOn';
}

export const WorkloadSchema = z
  .object({
    cpuAvgPct: z.number().min(0).max(100).optional(),
    cpuPeakPct: z.number().min(0).max(100).optional(),
    peakHourUtc: z.number().int().min(0).max(23).optional(),
    memActivePct: z.number().min(0).max(100).optional(),
    iops: z.number().nonnegative().optional(),
    netMbps: z.number().nonnegative().optional(),
    /** Name of a PlanetLab-format trace file (288 CPU-percent lines) inside --traces; a plain file name, never a path. */
    trace: TraceName.optional(),
  })
  .strict();
export type Workload = z.infer<typeof WorkloadSchema>;

export const VmSchema = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(4096).optional(),
    hostId: z.string().max(512).optional(),
    cluster: z.string().max(512).optional(),
    datacenter: z.string().max(512).optional(),
    datastore: z.string().max(512).optional(),
    perimeter: z.string().max(512).optional(),
    vcpus: z.number().int().positive().optional(),
    memoryMiB: z.number().nonnegative().optional(),
    powerState: PowerState.optional(),
    guestOs: z.string().max(512).optional(),
    nics: z
      .array(
        z.object({
          network: z.string().max(512),
          speedMbps: z.number().nonnegative().optional(),
          adapter: z.string().max(64).optional(),
          passthrough: z.boolean().optional(),
        }),
      )
      .optional(),
    disks: z
      .array(
        z.object({
          controller: z.enum(['ide', 'sata', 'scsi', 'nvme', 'virtio']),
          sizeGiB: z.number().nonnegative().optional(),
        }),
      )
      .optional(),
    /** vmx keys (e.g. `isolation.tools.copy.disable`). */
    settings: z.record(z.string(), SettingValue).optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    workload: WorkloadSchema.optional(),
    // --- SCG/STIG VM controls read from VirtualMachine.config (issue 22). ---
    /** config.hardware.device by vSphere class (`VirtualFloppy`, `VirtualCdrom`, `VirtualPCIPassthrough`, ...). */
    devices: z
      .array(
        z
          .object({
            type: z.string().max(64),
            label: z.string().max(512).optional(),
            connected: z.boolean().optional(),
          })
          .strict(),
      )
      .max(1000)
      .optional(),
    /** config.version, e.g. `vmx-21`. */
    hardwareVersion: z.string().max(32).optional(),
    /** config.ftEncryptionMode: `ftEncryptionDisabled`, `ftEncryptionOpportunistic`, `ftEncryptionRequired`. */
    ftEncryptionMode: z.string().max(64).optional(),
    /** config.flags.enableLogging. */
    loggingEnabled: z.boolean().optional(),
    /** Set by a vm.clone event; a clone inherits the source's perimeter unless it names its own. */
    clonedFrom: z.string().max(512).optional(),
    // Device configuration from libvirt domain XML (`collect libvirt`) and Proxmox qemu config (`collect proxmox`).
    // Arrays are always sent whole (empty when none), so removing a device resolves what it raised.
    uuid: z.string().max(64).optional(),
    /** `<graphics>`: listenType/listen from the element or its `<listen>` child; unset listen means qemu.conf's default. */
    graphics: z
      .array(
        z
          .object({
            type: z.string().max(32),
            listenType: z.enum(['address', 'network', 'socket', 'none']).optional(),
            listen: z.string().max(512).optional(),
            /** SPICE `defaultMode` (`secure` = TLS channels only). */
            defaultMode: z.string().max(16).optional(),
          })
          .strict(),
      )
      .max(64)
      .optional(),
    /** `<seclabel>` per security driver; `none` disables sVirt confinement. */
    securityLabels: z
      .array(z.object({ model: z.string().max(64).optional(), type: z.enum(['dynamic', 'static', 'none']) }).strict())
      .max(16)
      .optional(),
    /** `<hostdev>` passthrough (pci, usb, scsi, mdev). */
    hostDevices: z
      .array(z.object({ type: z.string().max(32), address: z.string().max(128).optional() }).strict())
      .max(256)
      .optional(),
    /** `<memballoon model>`; `none` when ballooning is off. */
    memballoon: z.string().max(32).optional(),
    tpm: z.boolean().optional(),
    firmware: z
      .object({ type: z.enum(['bios', 'efi']), secureBoot: z.boolean() })
      .strict()
      .optional(),
    /** Proxmox `args` (raw QEMU arguments), `agent`, and whether any NIC has `firewall=1`. */
    qemuArgs: z.string().max(4096).optional(),
    guestAgent: z.boolean().optional(),
    firewall: z.boolean().optional(),
    // Read from vCenter by the vSphere collector (src/sources/vsphere/map-vm.ts): VirtualMachine config and snapshot.
    datastores: z.array(z.string().max(512)).max(256).optional(),
    connectedDevices: z
      .object({
        floppy: z.number().int().nonnegative(),
        serial: z.number().int().nonnegative(),
        parallel: z.number().int().nonnegative(),
        usb: z.number().int().nonnegative(),
        cdrom: z.number().int().nonnegative(),
      })
      .partial()
      .strict()
      .optional(),
    encrypted: z.boolean().optional(),
    snapshots: z
      .object({ count: z.number().int().nonnegative(), oldest: z.iso.datetime({ offset: true }).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type Vm = z.infer<typeof VmSchema>;
