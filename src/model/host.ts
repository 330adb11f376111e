import { z } from 'zod';

/** Scalar values an advanced setting, vmx key or qemu.conf option can hold. */
export const SettingValue = z.union([z.string(), z.number(), z.boolean()]);
export type SettingValue = z.infer<typeof SettingValue>;

export const HypervisorVendor = z.enum(['vmware', 'kvm', 'hyperv', 'proxmox']);
export type HypervisorVendor = z.infer<typeof HypervisorVendor>;

export const HostSchema = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(4096).optional(),
    datacenter: z.string().max(512).optional(),
    cluster: z.string().max(512).optional(),
    perimeter: z.string().max(512).optional(),
    hypervisor: z
      .object({
        vendor: HypervisorVendor,
        version: z.string().max(128).optional(),
        build: z.string().max(128).optional(),
      })
      .optional(),
    cpu: z
      .object({
        sockets: z.number().int().positive(),
        coresPerSocket: z.number().int().positive(),
        threadsPerCore: z.number().int().positive().optional(),
        mhz: z.number().positive(),
      })
      .optional(),
    memoryMiB: z.number().nonnegative().optional(),
    nics: z.array(z.object({ id: z.string().max(256), speedMbps: z.number().nonnegative() })).optional(),
    storage: z.object({ iopsCapacity: z.number().nonnegative() }).optional(),
    /** ESXi advanced settings (e.g. `UserVars.ESXiShellTimeOut`), or qemu.conf options for KVM hosts. */
    settings: z.record(z.string(), SettingValue).optional(),
    services: z
      .record(z.string(), z.object({ running: z.boolean(), policy: z.string().max(64).optional() }))
      .optional(),
    lockdownMode: z.enum(['disabled', 'normal', 'strict']).optional(),
    secureBoot: z.boolean().optional(),
    tpm: z.boolean().optional(),
    ntpServers: z.array(z.string().max(512)).optional(),
    syslogHosts: z.array(z.string().max(512)).optional(),
    mtbfHours: z.number().positive().optional(),
    mttrHours: z.number().positive().optional(),
    power: z.object({ specpowerWatts: z.array(z.number().nonnegative()).length(11) }).optional(),
    connectionState: z.enum(['connected', 'disconnected', 'notResponding']).optional(),
    maintenanceMode: z.boolean().optional(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    // --- SCG/STIG host controls that are not advanced settings (issue 22): what esxcli and HostSystem report. ---
    /** `esxcli system settings encryption get`: Mode (`NONE`, `TPM`) and RequireSecureBoot. */
    configEncryption: z
      .object({ mode: z.string().max(32).optional(), requireSecureBoot: z.boolean().optional() })
      .strict()
      .optional(),
    /** `esxcli system tls server get` Profile: `COMPATIBLE` (default), `NIST_2024`, `MANUAL`. */
    tlsProfile: z.string().max(64).optional(),
    /** `esxcli system account list` Shellaccess by user id, e.g. `{ "dcui": false }`. */
    accountShellAccess: z.record(z.string().max(256), z.boolean()).optional(),
    /** `esxcli system syslog config get`: LocalLogOutput and LocalLogOutputIsPersistent. */
    localLogOutput: z
      .object({ path: z.string().max(4096).optional(), persistent: z.boolean().optional() })
      .strict()
      .optional(),
    /** `esxcli system syslog config logfilter get` LogFilteringEnabled. */
    logFiltering: z.boolean().optional(),
    /** `esxcli system security keypersistence get` Enabled. */
    keyPersistence: z.boolean().optional(),
    /** `esxcli system settings kernel list` Configured values by name (`disableHwrng`, `entropySources`). */
    kernelSettings: z.record(z.string().max(128), SettingValue).optional(),
    /** `esxcli system ssh server config list` (keys lower case, e.g. `ciphers`) and `esxcli system security fips140 ssh get`. */
    sshd: z
      .object({ fips: z.boolean().optional(), config: z.record(z.string().max(64), z.string().max(4096)).optional() })
      .strict()
      .optional(),
    /** HostAccessManager.QueryLockdownExceptions(). */
    lockdownExceptionUsers: z.array(z.string().max(512)).max(1000).optional(),
    // From libvirt `capabilities` (`collect libvirt`) and Proxmox `/nodes/{node}/status` (`collect proxmox`).
    cpuModel: z.string().max(256).optional(),
    /** libvirt `<secmodel>` drivers active on the host (selinux, apparmor, dac); `none` when unconfined. */
    securityModels: z.array(z.string().max(64)).max(16).optional(),
    kernelVersion: z.string().max(256).optional(),
  })
  .strict();

export type Host = z.infer<typeof HostSchema>;
