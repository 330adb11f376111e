/**
 * The fleets `bench/growth` generates: 20 VMs per host, 16-host clusters, apps spread over the whole fleet.
 *
 * Two layouts of what each host and VM carries, because the audit's cost depends on it as much as on the fleet's size:
 *
 * - `sparse`: one advanced setting per host and one vmx key per VM, every other setting the hardening packs read
 *   missing. Each VM gets about seven "unverified" findings (a setting nobody reported, failing on its default):
 *   the worst case for the audit's output, 751,528 findings at 100,000 VMs, 730,000 of them unverified.
 * - `configured`: what `hyperaudit collect vsphere` records from the real API (src/sources/vsphere/map-host.ts,
 *   map-vm.ts). A host's OptionManager lists every advanced setting with its value, so the settings the packs read
 *   are all there (the other ~1,000 options an ESXi host has are left out: no rule reads them), with its services,
 *   lockdown mode, TPM attestation, NTP servers and vSwitch security policy. What only esxcli reports (sshd
 *   options, audit-log persistence, TLS profile, configuration encryption, account shell access) is not recorded
 *   by that collector, so those host rules stay unverified, as they would on a real vSphere-collected fleet. A VM
 *   carries its hardware version, FT and vMotion encryption modes, and the vmx keys (`config.extraConfig`) a
 *   hardened template sets; one VM in ten is a legacy VM without them (BIOS firmware, old hardware, no template),
 *   which leaves it unverified on the keys whose default fails.
 *
 * Non-compliant values come at fixed strides of the host or VM number (deterministic, so two runs and two builds
 * audit the same fleet): e.g. every 7th host has account lockout off, every 5th VM allows copy.
 */
import type { FleetEvent } from '../../src/model/event';

export const LAYOUTS = ['sparse', 'configured'] as const;
export type Layout = (typeof LAYOUTS)[number];

export const VMS_PER_HOST = 20;
export const CLUSTER_SIZE = 16;
const TIME = '2026-12-01T00:00:00Z';

export function isLayout(s: string): s is Layout {
  return (LAYOUTS as readonly string[]).includes(s);
}

type Settings = Record<string, string | number | boolean>;

/** ESXi 8.0 U3 advanced settings the hardening pack reads, as OptionManager reports them for host `h`. */
function hostSettings(h: number): Settings {
  const syslog = h % 29 === 0 ? 'udp://syslog.growth.example:514' : 'ssl://syslog.growth.example:1514';
  return {
    'Security.AccountLockFailures': h % 7 === 0 ? 0 : 5,
    'Security.AccountUnlockTime': 900,
    'Security.PasswordHistory': 5,
    'Security.PasswordMaxDays': 9999,
    'Security.PasswordQualityControl':
      h % 17 === 0
        ? 'retry=3 min=disabled,disabled,disabled,7,7'
        : 'similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64',
    'Config.HostAgent.vmacore.soap.sessionTimeout': h % 9 === 0 ? 30 : 10,
    'Config.HostAgent.log.level': 'info',
    'Config.HostAgent.plugins.solo.enableMob': false,
    'Config.Etc.issue': 'Authorized use only. Activity may be monitored.',
    'Annotations.WelcomeMessage': 'Authorized use only.',
    'Syslog.global.auditRecord.storageCapacity': 100,
    'Syslog.global.auditRecord.storageEnable': true,
    'Syslog.global.auditRecord.remoteEnable': h % 13 !== 0,
    'Syslog.global.certificate.checkSSLCerts': true,
    'Syslog.global.certificate.strictX509Compliance': h % 11 !== 0,
    'Syslog.global.logLevel': 'error',
    'Syslog.global.logHost': syslog,
    'Net.BMCNetworkEnable': 0,
    'Net.BlockGuestBPDU': 1,
    'Net.DVFilterBindIpAddress': '',
    'DCUI.Access': 'root',
    'UserVars.DcuiTimeOut': 600,
    'UserVars.HostClientSessionTimeout': 900,
    'UserVars.SuppressHyperthreadWarning': 0,
    'UserVars.SuppressShellWarning': 0,
    'UserVars.ESXiShellInteractiveTimeOut': h % 8 === 0 ? 0 : 900,
    'UserVars.ESXiShellTimeOut': h % 8 === 0 ? 0 : 600,
    'UserVars.ESXiVPsDisabledProtocols': 'sslv3,tlsv1,tlsv1.1',
    'VMkernel.Boot.execInstalledOnly': h % 5 !== 0,
    'Mem.MemEagerZero': h % 3 === 0 ? 0 : 1,
    'Mem.ShareForceSalting': 2,
    'vSwitch.allowPromiscuous': false,
    'vSwitch.allowMacChanges': false,
    'vSwitch.allowForgedTransmits': h % 23 === 0,
  };
}

function host(h: number, layout: Layout): Extract<FleetEvent, { type: 'host.upsert' }>['host'] {
  const base = {
    id: `host-${h}`,
    name: `esx-${h}.growth.example`,
    cluster: `cluster-${Math.floor(h / CLUSTER_SIZE)}`,
    datacenter: 'dc-1',
    hypervisor: { vendor: 'vmware' as const, version: '8.0.3', build: '24674464' },
    cpu: { sockets: 2, coresPerSocket: 16, threadsPerCore: 2, mhz: 2600 },
    memoryMiB: 524288,
  };
  const ssh = { running: h % 10 === 0, policy: h % 10 === 0 ? 'on' : 'off' };
  if (layout === 'sparse')
    return {
      ...base,
      services: { 'TSM-SSH': ssh },
      settings: { 'Security.AccountLockFailures': h % 7 === 0 ? 0 : 5 },
    };
  const settings = hostSettings(h);
  const attested = h % 10 !== 7;
  return {
    ...base,
    settings,
    services: {
      'TSM-SSH': ssh,
      TSM: { running: false, policy: 'off' },
      ntpd: h % 19 === 0 ? { running: false, policy: 'off' } : { running: true, policy: 'on' },
      'sfcbd-watchdog': { running: false, policy: 'off' },
      snmpd: { running: false, policy: 'off' },
      slpd: { running: false, policy: 'off' },
    },
    lockdownMode: h % 6 === 0 ? 'disabled' : 'normal',
    // An `accepted` TPM attestation implies both; a host that is not attested reports only TPM support.
    ...(attested ? { secureBoot: true, tpm: true } : { tpm: false }),
    ntpServers: h % 31 === 0 ? [] : ['ntp1.growth.example', 'ntp2.growth.example'],
    syslogHosts: [settings['Syslog.global.logHost'] as string],
    connectionState: 'connected',
    maintenanceMode: false,
    labels: { vcenter: 'vc-1.growth.example', moref: `host-${h + 10}` },
  };
}

/** The vmx keys the SCG's VM controls name, as a hardened template leaves them in `config.extraConfig`. */
function hardenedKeys(v: number): Settings {
  return {
    'isolation.tools.copy.disable': v % 5 === 0 ? 'FALSE' : 'TRUE',
    'isolation.tools.paste.disable': 'TRUE',
    'isolation.tools.dnd.disable': 'TRUE',
    'isolation.tools.diskShrink.disable': 'TRUE',
    'isolation.tools.diskWiper.disable': 'TRUE',
    'isolation.device.connectable.disable': 'TRUE',
    'RemoteDisplay.maxConnections': v % 9 === 0 ? '2' : '1',
    'bios.bootDeviceClasses': 'allow:hd',
    'uefi.secureBoot.enabled': v % 13 === 0 ? 'FALSE' : 'TRUE',
    'mks.enable3d': 'FALSE',
    'tools.guestlib.enableHostInfo': 'FALSE',
    'tools.setInfo.sizeLimit': '1048576',
    'log.keepOld': '10',
    'log.rotateSize': '2048000',
  };
}

function vm(v: number, layout: Layout): Extract<FleetEvent, { type: 'vm.upsert' }>['vm'] {
  const base = {
    id: `vm-${v}`,
    name: `app${v % 997}-${v}`,
    hostId: `host-${Math.floor(v / VMS_PER_HOST)}`,
    vcpus: 2 + (v % 3) * 2,
    memoryMiB: 4096 * (1 + (v % 4)),
    powerState: 'poweredOn' as const,
    labels: { app: `app${v % 997}`, role: v % 2 === 0 ? 'web' : 'db' },
  };
  const workload = { cpuAvgPct: 10 + (v % 30), cpuPeakPct: 50 + (v % 45), peakHourUtc: v % 24 };
  // The sparse layout keeps the key order the growth fleets of earlier rounds were generated with.
  if (layout === 'sparse')
    return { ...base, settings: { 'isolation.tools.copy.disable': v % 5 === 0 ? 'FALSE' : 'TRUE' }, workload };
  const legacy = v % 10 === 0;
  // config.migrateEncryption and config.ftEncryptionMode are always reported; the collector copies the first into
  // the vmx key the SCG names (map-vm.ts).
  const migrate = legacy || v % 7 === 0 ? 'opportunistic' : 'required';
  return {
    ...base,
    settings: legacy
      ? { 'isolation.tools.copy.disable': 'FALSE', 'migrate.encryptionMode': migrate }
      : { ...hardenedKeys(v), 'migrate.encryptionMode': migrate, 'ft.encryptionMode': 'ftEncryptionRequired' },
    hardwareVersion: legacy ? 'vmx-13' : v % 4 === 0 ? 'vmx-19' : 'vmx-21',
    ftEncryptionMode: legacy ? 'ftEncryptionOpportunistic' : 'ftEncryptionRequired',
    guestOs: v % 3 === 0 ? 'windows2019srv_64Guest' : 'rhel9_64Guest',
    workload,
  };
}

/** The fleet as the events `hyperaudit ingest` reads: every host, then every VM. */
export function growthEvents(vms: number, layout: Layout): FleetEvent[] {
  const hosts = Math.ceil(vms / VMS_PER_HOST);
  const out: FleetEvent[] = [];
  for (let h = 0; h < hosts; h++)
    out.push({ id: `growth-host-${h}`, time: TIME, type: 'host.upsert', host: host(h, layout) });
  for (let v = 0; v < vms; v++)
    out.push({ id: `growth-vm-${v}`, time: TIME, type: 'vm.upsert', vm: vm(v, layout) } as FleetEvent);
  return out;
}
