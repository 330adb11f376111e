import { z } from 'zod';
import { SettingValue } from './host';

export const PowerState = z.enum(['poweredOn', 'poweredOff', 'suspended']);
export type PowerState = z.infer<typeof PowerState>;

export const WorkloadSchema = z
  .object({
    cpuAvgPct: z.number().min(0).max(100).optional(),
    cpuPeakPct: z.number().min(0).max(100).optional(),
    peakHourUtc: z.number().int().min(0).max(23).optional(),
    memActivePct: z.number().min(0).max(100).optional(),
    iops: z.number().nonnegative().optional(),
    netMbps: z.number().nonnegative().optional(),
    /** Name of a PlanetLab-format trace file (288 CPU-percent lines), resolved against --traces. */
    trace: z.string().max(1024).optional(),
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
      .array(z.object({ controller: z.enum(['ide', 'sata', 'scsi', 'nvme']), sizeGiB: z.number().nonnegative().optional() }))
      .optional(),
    /** vmx keys (e.g. `isolation.tools.copy.disable`). */
    settings: z.record(z.string(), SettingValue).optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    workload: WorkloadSchema.optional(),
    /** Set by a vm.clone event; a clone inherits the source's perimeter unless it names its own. */
    clonedFrom: z.string().max(512).optional(),
    // Read from vCenter by the vSphere collector (src/sources/vsphere/map-vm.ts): VirtualMachine config and snapshot.
    hardwareVersion: z.string().max(32).optional(),
    datastores: z.array(z.string().max(512)).max(256).optional(),
    connectedDevices: z
      .object({ floppy: z.number().int().nonnegative(), serial: z.number().int().nonnegative(), parallel: z.number().int().nonnegative(), usb: z.number().int().nonnegative(), cdrom: z.number().int().nonnegative() })
      .partial()
      .strict()
      .optional(),
    encrypted: z.boolean().optional(),
    snapshots: z.object({ count: z.number().int().nonnegative(), oldest: z.iso.datetime({ offset: true }).optional() }).strict().optional(),
  })
  .strict();

export type Vm = z.infer<typeof VmSchema>;
