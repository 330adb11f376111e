/**
 * Writes the sample fleet the demo ingests: canonical NDJSON in samples/fleet/.
 *
 * Deterministic (seeded PRNG, fixed clock): running it again produces byte-identical files, so the committed
 * output is what `npm start` reads and a diff shows any change in the generator. Run with
 * `npx tsx samples/generate.ts`. Every event is validated with FleetEventSchema before it is written.
 *
 * The planted problems are listed in samples/README.md; the constants below named PLANT_* are the ones it cites.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FleetEventSchema, type FleetEvent } from '../src/model/event';
import { mulberry32 } from '../src/simulation/random';
import type { Host, SettingValue } from '../src/model/host';
import type { Vm } from '../src/model/vm';
import type { Perimeter } from '../src/model/perimeter';

const here = dirname(fileURLToPath(import.meta.url));
/** `--out DIR` writes fleet/ and sources/ under DIR instead of samples/ (the test compares that with the committed files). */
const outFlag = process.argv.indexOf('--out');
const outRoot = outFlag >= 0 && process.argv[outFlag + 1] !== undefined ? process.argv[outFlag + 1]! : here;
const outDir = join(outRoot, 'fleet');

// ---------------------------------------------------------------- determinism
const rand = mulberry32(20261120);
const between = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
function uuid(): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The history starts Friday 2026-11-20 00:00 UTC and spans four days. */
const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (hours: number): string => new Date(T0 + Math.round(hours * 3600_000)).toISOString();

// ---------------------------------------------------------------- perimeters
const perimeters: Perimeter[] = [
  {
    id: 'pci',
    name: 'PCI DSS cardholder data environment',
    allowedDatacenters: ['dc-ams'],
    allowedClusters: ['ams-pci'],
    allowedNetworks: ['pci-app-vlan110', 'pci-db-vlan111'],
    trustLevel: 9,
  },
  {
    id: 'corp',
    name: 'Corporate production',
    allowedDatacenters: ['dc-ams', 'dc-fra', 'dc-nyc'],
    allowedClusters: ['ams-prod', 'fra-prod', 'nyc-prod', 'nyc-hv', 'fra-kvm'],
    allowedNetworks: ['corp-app-vlan20', 'corp-db-vlan21', 'corp-web-vlan22', 'os-corp-net'],
    trustLevel: 6,
  },
  {
    id: 'research',
    name: 'Research and analytics (OpenStack tenants)',
    allowedDatacenters: ['dc-fra', 'dc-nyc'],
    allowedClusters: ['fra-kvm', 'nyc-kvm'],
    allowedNetworks: ['os-research-net', 'os-research-storage'],
    trustLevel: 4,
  },
  {
    id: 'dmz',
    name: 'Internet-facing DMZ',
    allowedDatacenters: ['dc-ams'],
    allowedClusters: ['ams-dmz'],
    allowedNetworks: ['dmz-web-vlan200', 'dmz-proxy-vlan201'],
    trustLevel: 3,
  },
  {
    id: 'dev',
    name: 'Development and CI',
    allowedDatacenters: ['dc-fra'],
    allowedClusters: ['fra-pve'],
    allowedNetworks: ['dev-vmbr0', 'dev-vmbr1'],
    trustLevel: 2,
  },
];

// ---------------------------------------------------------------- hosts
type Vendor = 'vmware' | 'kvm' | 'hyperv' | 'proxmox';
interface ClusterSpec {
  id: string;
  datacenter: string;
  vendor: Vendor;
  hosts: number;
  /** VMs placed at start, per perimeter (fra-kvm is split between corp and research host groups). */
  vms: { perimeter: string; count: number; hosts?: [number, number] }[];
  versions: { version: string; build: string }[];
}

const ESXI_8U3E = { version: '8.0.3', build: '24585383' };
const ESXI_8U3B = { version: '8.0.3', build: '24280767' };
const ESXI_8U2 = { version: '8.0.2', build: '22380479' };
/** ESXi 7.0 Update 2a (April 2021): end of general support and far behind on patches. */
const ESXI_7U2A = { version: '7.0.2', build: '17867351' };

const clusters: ClusterSpec[] = [
  { id: 'ams-pci', datacenter: 'dc-ams', vendor: 'vmware', hosts: 6, vms: [{ perimeter: 'pci', count: 72 }], versions: [ESXI_8U3E] },
  { id: 'ams-dmz', datacenter: 'dc-ams', vendor: 'vmware', hosts: 5, vms: [{ perimeter: 'dmz', count: 60 }], versions: [ESXI_8U3B] },
  { id: 'ams-prod', datacenter: 'dc-ams', vendor: 'vmware', hosts: 12, vms: [{ perimeter: 'corp', count: 168 }], versions: [ESXI_8U3E, ESXI_8U3B] },
  { id: 'fra-prod', datacenter: 'dc-fra', vendor: 'vmware', hosts: 10, vms: [{ perimeter: 'corp', count: 138 }], versions: [ESXI_8U3E, ESXI_8U3B] },
  {
    id: 'fra-kvm',
    datacenter: 'dc-fra',
    vendor: 'kvm',
    hosts: 10,
    vms: [
      { perimeter: 'corp', count: 64, hosts: [1, 5] },
      { perimeter: 'research', count: 72, hosts: [6, 10] },
    ],
    versions: [{ version: 'qemu 8.2.2 / libvirt 10.0.0', build: 'ubuntu-24.04' }],
  },
  { id: 'fra-pve', datacenter: 'dc-fra', vendor: 'proxmox', hosts: 6, vms: [{ perimeter: 'dev', count: 84 }], versions: [{ version: '8.2.4', build: 'pve-manager/8.2.4' }] },
  { id: 'nyc-prod', datacenter: 'dc-nyc', vendor: 'vmware', hosts: 10, vms: [{ perimeter: 'corp', count: 126 }], versions: [ESXI_8U2] },
  { id: 'nyc-hv', datacenter: 'dc-nyc', vendor: 'hyperv', hosts: 8, vms: [{ perimeter: 'corp', count: 100 }], versions: [{ version: 'Windows Server 2022', build: '10.0.20348.2849' }] },
  { id: 'nyc-kvm', datacenter: 'dc-nyc', vendor: 'kvm', hosts: 6, vms: [{ perimeter: 'research', count: 78 }], versions: [{ version: 'qemu 6.2.0 / libvirt 8.0.0', build: 'ubuntu-22.04' }] },
];

const SITE = { 'dc-ams': 'ams', 'dc-fra': 'fra', 'dc-nyc': 'nyc' } as Record<string, string>;

/** vSphere 8 SCG baseline values ("Baseline Suggested Value" of vsphere-8-scg-controls.csv). */
function esxiBaseline(dc: string): Record<string, SettingValue> {
  const site = SITE[dc]!;
  return {
    'Security.AccountUnlockTime': 900,
    'Security.AccountLockFailures': 5,
    'Security.PasswordHistory': 5,
    'Security.PasswordMaxDays': 9999,
    'Security.PasswordQualityControl': 'similar=deny retry=3 min=disabled,disabled,disabled,disabled,15 max=64',
    'Annotations.WelcomeMessage': 'Authorized use only. Activity is monitored and logged.',
    'Config.Etc.issue': 'Authorized use only. Activity is monitored and logged.',
    'Config.HostAgent.vmacore.soap.sessionTimeout': 10,
    'Config.HostAgent.plugins.solo.enableMob': false,
    'Config.HostAgent.log.level': 'info',
    'UserVars.SuppressHyperthreadWarning': 0,
    'UserVars.DcuiTimeOut': 600,
    'UserVars.HostClientSessionTimeout': 900,
    'UserVars.ESXiShellInteractiveTimeOut': 900,
    'UserVars.ESXiShellTimeOut': 600,
    'UserVars.SuppressShellWarning': 0,
    'UserVars.ESXiVPsDisabledProtocols': 'sslv3,tlsv1,tlsv1.1',
    'Net.BMCNetworkEnable': 0,
    'Net.BlockGuestBPDU': 1,
    'Net.DVFilterBindIpAddress': '',
    'DCUI.Access': 'root',
    'Syslog.global.logHost': `ssl://syslog.${site}.example.net:1514`,
    'Syslog.global.logLevel': 'error',
    'Syslog.global.auditRecord.storageEnable': true,
    'Syslog.global.auditRecord.storageCapacity': 100,
    'Syslog.global.auditRecord.remoteEnable': true,
    'Syslog.global.certificate.checkSSLCerts': true,
    'Syslog.global.certificate.strictX509Compliance': true,
    'Mem.MemEagerZero': 1,
    'Mem.ShareForceSalting': 2,
    'VMkernel.Boot.execInstalledOnly': true,
  };
}

const esxiServices = (): NonNullable<Host['services']> => ({
  'TSM-SSH': { running: false, policy: 'off' },
  TSM: { running: false, policy: 'off' },
  ntpd: { running: true, policy: 'on' },
  slpd: { running: false, policy: 'off' },
  snmpd: { running: false, policy: 'off' },
  'sfcbd-watchdog': { running: false, policy: 'off' },
});

/** Hardened qemu.conf (values as qemu.conf writes them: strings and 0/1). */
const qemuBaseline = (): Record<string, SettingValue> => ({
  security_driver: 'apparmor',
  security_default_confined: 1,
  security_require_confined: 1,
  user: 'libvirt-qemu',
  group: 'kvm',
  dynamic_ownership: 1,
  migrate_tls_force: 1,
  default_tls_x509_verify: 1,
  vnc_listen: '127.0.0.1',
  vnc_tls: 1,
  vnc_tls_x509_verify: 1,
  spice_listen: '127.0.0.1',
  spice_tls: 1,
});

interface HostSpec extends Host {
  id: string;
  cluster: string;
  datacenter: string;
  cpu: NonNullable<Host['cpu']>;
  memoryMiB: number;
}

const hosts: HostSpec[] = [];
const hostsByCluster = new Map<string, HostSpec[]>();
let hostMoref = 1000;
for (const c of clusters) {
  const list: HostSpec[] = [];
  const site = SITE[c.datacenter]!;
  for (let i = 1; i <= c.hosts; i++) {
    const version = c.versions[(i - 1) % c.versions.length]!;
    const base = {
      datacenter: c.datacenter,
      cluster: c.id,
      ntpServers: [`ntp1.${site}.example.net`, `ntp2.${site}.example.net`],
      syslogHosts: [`ssl://syslog.${site}.example.net:1514`],
      mtbfHours: 43800,
      mttrHours: 6,
      connectionState: 'connected' as const,
      maintenanceMode: false,
      labels: { rack: `${site}-r${pad(Math.ceil(i / 4))}`, owner: 'platform-team' },
    };
    let h: HostSpec;
    if (c.vendor === 'vmware') {
      hostMoref += 7;
      h = {
        ...base,
        id: `host-${hostMoref}`,
        name: `${c.id}-esx${pad(i)}.${site}.example.net`,
        hypervisor: { vendor: 'vmware', ...version },
        cpu: { sockets: 2, coresPerSocket: 16, threadsPerCore: 2, mhz: 2600 },
        memoryMiB: 768 * 1024,
        nics: [
          { id: 'vmnic0', speedMbps: 25000 },
          { id: 'vmnic1', speedMbps: 25000 },
        ],
        storage: { iopsCapacity: 150000 },
        settings: esxiBaseline(c.datacenter),
        services: esxiServices(),
        lockdownMode: 'normal',
        secureBoot: true,
        tpm: true,
        power: { specpowerWatts: [118, 151, 172, 191, 209, 228, 249, 273, 300, 331, 362] },
      };
    } else if (c.vendor === 'kvm') {
      const name = `${c.id}-${pad(i)}.${site}.example.net`;
      h = {
        ...base,
        id: `${c.id}-${pad(i)}`,
        name,
        hypervisor: { vendor: 'kvm', ...version },
        cpu: { sockets: 2, coresPerSocket: 20, threadsPerCore: 2, mhz: 2400 },
        memoryMiB: 512 * 1024,
        nics: [
          { id: 'eno1', speedMbps: 25000 },
          { id: 'eno2', speedMbps: 25000 },
        ],
        storage: { iopsCapacity: 90000 },
        settings: qemuBaseline(),
        services: { sshd: { running: true, policy: 'on' }, chronyd: { running: true, policy: 'on' }, 'libvirtd-tls': { running: true, policy: 'on' } },
        secureBoot: true,
        tpm: true,
        power: { specpowerWatts: [105, 139, 160, 178, 196, 215, 236, 259, 284, 311, 340] },
      };
    } else if (c.vendor === 'hyperv') {
      h = {
        ...base,
        id: `${c.id}-${pad(i)}`,
        name: `NYCHV${pad(i)}.corp.example.net`,
        hypervisor: { vendor: 'hyperv', ...version },
        cpu: { sockets: 2, coresPerSocket: 12, threadsPerCore: 2, mhz: 2900 },
        memoryMiB: 512 * 1024,
        nics: [
          { id: 'SET-NIC1', speedMbps: 25000 },
          { id: 'SET-NIC2', speedMbps: 25000 },
        ],
        storage: { iopsCapacity: 100000 },
        services: { vmms: { running: true, policy: 'automatic' }, W32Time: { running: true, policy: 'automatic' }, sshd: { running: false, policy: 'disabled' } },
        secureBoot: true,
        tpm: true,
        power: { specpowerWatts: [112, 146, 168, 187, 205, 224, 245, 268, 294, 323, 352] },
      };
    } else {
      h = {
        ...base,
        id: `pve${pad(i)}`,
        name: `pve${pad(i)}.${site}.example.net`,
        hypervisor: { vendor: 'proxmox', ...version },
        cpu: { sockets: 2, coresPerSocket: 12, threadsPerCore: 2, mhz: 3000 },
        memoryMiB: 256 * 1024,
        nics: [
          { id: 'enp65s0f0', speedMbps: 10000 },
          { id: 'enp65s0f1', speedMbps: 10000 },
        ],
        storage: { iopsCapacity: 60000 },
        settings: qemuBaseline(),
        services: { sshd: { running: true, policy: 'on' }, chronyd: { running: true, policy: 'on' }, pveproxy: { running: true, policy: 'on' } },
        secureBoot: true,
        tpm: true,
        power: { specpowerWatts: [85, 112, 130, 146, 161, 177, 195, 214, 236, 259, 284] },
      };
    }
    list.push(h);
    hosts.push(h);
  }
  hostsByCluster.set(c.id, list);
}
const hostById = new Map(hosts.map((h) => [h.id, h]));
const hostNamed = (cluster: string, index: number): HostSpec => hostsByCluster.get(cluster)![index - 1]!;

// A spare single-socket host added to nyc-prod after the initial inventory: the over-consolidation target.
const spare: HostSpec = {
  id: 'host-1990',
  name: 'nyc-prod-esx11.nyc.example.net',
  datacenter: 'dc-nyc',
  cluster: 'nyc-prod',
  hypervisor: { vendor: 'vmware', ...ESXI_8U2 },
  cpu: { sockets: 1, coresPerSocket: 16, threadsPerCore: 2, mhz: 2400 },
  memoryMiB: 384 * 1024,
  nics: [
    { id: 'vmnic0', speedMbps: 25000 },
    { id: 'vmnic1', speedMbps: 25000 },
  ],
  storage: { iopsCapacity: 80000 },
  settings: esxiBaseline('dc-nyc'),
  services: esxiServices(),
  lockdownMode: 'normal',
  secureBoot: true,
  tpm: true,
  ntpServers: ['ntp1.nyc.example.net', 'ntp2.nyc.example.net'],
  syslogHosts: ['ssl://syslog.nyc.example.net:1514'],
  mtbfHours: 43800,
  mttrHours: 6,
  connectionState: 'connected',
  maintenanceMode: false,
  labels: { rack: 'nyc-r03', owner: 'platform-team' },
  power: { specpowerWatts: [80, 104, 120, 134, 148, 163, 179, 197, 217, 238, 261] },
};

// ---------------------------------------------------------------- planted host hardening problems
export const PLANT_SSH_HOST = hostNamed('ams-prod', 3);
PLANT_SSH_HOST.services!['TSM-SSH'] = { running: true, policy: 'on' };
PLANT_SSH_HOST.services!['TSM'] = { running: true, policy: 'on' };
PLANT_SSH_HOST.settings!['UserVars.ESXiShellTimeOut'] = 0;
PLANT_SSH_HOST.settings!['UserVars.ESXiShellInteractiveTimeOut'] = 0;
PLANT_SSH_HOST.settings!['UserVars.SuppressShellWarning'] = 1;

export const PLANT_LOCKDOWN_HOST = hostNamed('fra-prod', 2);
PLANT_LOCKDOWN_HOST.lockdownMode = 'disabled';
PLANT_LOCKDOWN_HOST.settings!['Config.HostAgent.plugins.solo.enableMob'] = true;
PLANT_LOCKDOWN_HOST.services!['slpd'] = { running: true, policy: 'on' };
PLANT_LOCKDOWN_HOST.services!['snmpd'] = { running: true, policy: 'on' };

export const PLANT_NO_LOGGING_HOST = hostNamed('nyc-prod', 4);
PLANT_NO_LOGGING_HOST.settings!['Syslog.global.logHost'] = '';
PLANT_NO_LOGGING_HOST.settings!['Syslog.global.auditRecord.remoteEnable'] = false;
PLANT_NO_LOGGING_HOST.settings!['Syslog.global.certificate.checkSSLCerts'] = false;
PLANT_NO_LOGGING_HOST.syslogHosts = [];
PLANT_NO_LOGGING_HOST.ntpServers = [];
PLANT_NO_LOGGING_HOST.services!['ntpd'] = { running: false, policy: 'off' };

export const PLANT_WEAK_PASSWORD_HOST = hostNamed('ams-dmz', 2);
PLANT_WEAK_PASSWORD_HOST.settings!['Security.PasswordQualityControl'] = 'retry=3 min=disabled,disabled,disabled,7,7';
PLANT_WEAK_PASSWORD_HOST.settings!['Security.AccountLockFailures'] = 0;
PLANT_WEAK_PASSWORD_HOST.settings!['Security.AccountUnlockTime'] = 0;
PLANT_WEAK_PASSWORD_HOST.settings!['Security.PasswordHistory'] = 0;
PLANT_WEAK_PASSWORD_HOST.settings!['UserVars.ESXiVPsDisabledProtocols'] = 'sslv3';

export const PLANT_OLD_BUILD_HOST = hostNamed('fra-prod', 7);
PLANT_OLD_BUILD_HOST.hypervisor = { vendor: 'vmware', ...ESXI_7U2A };

export const PLANT_TPS_BPDU_HOST = hostNamed('ams-prod', 9);
PLANT_TPS_BPDU_HOST.settings!['Mem.ShareForceSalting'] = 0;
PLANT_TPS_BPDU_HOST.settings!['Net.BlockGuestBPDU'] = 0;
PLANT_TPS_BPDU_HOST.settings!['VMkernel.Boot.execInstalledOnly'] = false;
PLANT_TPS_BPDU_HOST.settings!['Net.DVFilterBindIpAddress'] = '10.20.0.15';

export const PLANT_NO_SECUREBOOT_HOST = hostNamed('nyc-prod', 7);
PLANT_NO_SECUREBOOT_HOST.secureBoot = false;
PLANT_NO_SECUREBOOT_HOST.tpm = false;

export const PLANT_KVM_UNCONFINED_HOST = hostNamed('fra-kvm', 3);
Object.assign(PLANT_KVM_UNCONFINED_HOST.settings!, { security_driver: 'none', security_default_confined: 0, security_require_confined: 0, user: 'root', group: 'root', dynamic_ownership: 0 });

export const PLANT_KVM_CLEARTEXT_HOST = hostNamed('nyc-kvm', 2);
Object.assign(PLANT_KVM_CLEARTEXT_HOST.settings!, { migrate_tls_force: 0, vnc_listen: '0.0.0.0', vnc_tls: 0, spice_listen: '0.0.0.0', spice_tls: 0 });
PLANT_KVM_CLEARTEXT_HOST.services!['libvirtd-tls'] = { running: false, policy: 'off' };

// ---------------------------------------------------------------- VMs
interface AppSpec {
  app: string;
  roles: { role: string; vcpus: number; memGiB: number; replicas: number; ioIntensive?: boolean; diskGiB: number }[];
  tier: 'web' | 'app' | 'data' | 'batch' | 'infra';
  criticality: 'critical' | 'high' | 'medium' | 'low';
  latencySensitive?: boolean;
  guestOs: string;
  networks: string[];
}

const LINUX = 'Red Hat Enterprise Linux 9 (64-bit)';
const UBUNTU = 'Ubuntu Linux 22.04 (64-bit)';
const WINDOWS = 'Microsoft Windows Server 2022 (64-bit)';

const catalogue: Record<string, AppSpec[]> = {
  pci: [
    { app: 'payments', tier: 'app', criticality: 'critical', guestOs: LINUX, networks: ['pci-app-vlan110'], roles: [{ role: 'api', vcpus: 4, memGiB: 16, replicas: 4, diskGiB: 80 }, { role: 'worker', vcpus: 4, memGiB: 16, replicas: 4, diskGiB: 80 }] },
    { app: 'cardvault', tier: 'data', criticality: 'critical', guestOs: LINUX, networks: ['pci-db-vlan111'], roles: [{ role: 'db', vcpus: 8, memGiB: 64, replicas: 2, ioIntensive: true, diskGiB: 800 }, { role: 'hsm-proxy', vcpus: 2, memGiB: 4, replicas: 2, diskGiB: 40 }] },
    { app: 'tokenizer', tier: 'app', criticality: 'high', guestOs: LINUX, networks: ['pci-app-vlan110'], roles: [{ role: 'app', vcpus: 4, memGiB: 8, replicas: 3, diskGiB: 60 }] },
  ],
  corp: [
    { app: 'orders', tier: 'app', criticality: 'high', guestOs: LINUX, networks: ['corp-app-vlan20'], roles: [{ role: 'web', vcpus: 2, memGiB: 8, replicas: 3, diskGiB: 40 }, { role: 'app', vcpus: 4, memGiB: 16, replicas: 3, diskGiB: 60 }, { role: 'db', vcpus: 8, memGiB: 64, replicas: 2, ioIntensive: true, diskGiB: 1000 }] },
    { app: 'crm', tier: 'app', criticality: 'high', guestOs: WINDOWS, networks: ['corp-app-vlan20'], roles: [{ role: 'web', vcpus: 2, memGiB: 8, replicas: 2, diskGiB: 60 }, { role: 'app', vcpus: 4, memGiB: 16, replicas: 2, diskGiB: 80 }, { role: 'db', vcpus: 8, memGiB: 48, replicas: 2, ioIntensive: true, diskGiB: 600 }] },
    { app: 'erp', tier: 'app', criticality: 'critical', guestOs: LINUX, networks: ['corp-app-vlan20', 'corp-db-vlan21'], roles: [{ role: 'app', vcpus: 8, memGiB: 32, replicas: 3, diskGiB: 100 }, { role: 'db', vcpus: 16, memGiB: 128, replicas: 2, ioIntensive: true, diskGiB: 2000 }] },
    { app: 'intranet', tier: 'web', criticality: 'medium', guestOs: UBUNTU, networks: ['corp-web-vlan22'], roles: [{ role: 'web', vcpus: 2, memGiB: 4, replicas: 2, diskGiB: 40 }] },
    { app: 'mail', tier: 'infra', criticality: 'high', guestOs: WINDOWS, networks: ['corp-app-vlan20'], roles: [{ role: 'mailbox', vcpus: 8, memGiB: 32, replicas: 2, ioIntensive: true, diskGiB: 1500 }, { role: 'edge', vcpus: 2, memGiB: 8, replicas: 2, diskGiB: 60 }] },
    { app: 'hr-portal', tier: 'web', criticality: 'medium', guestOs: WINDOWS, networks: ['corp-web-vlan22'], roles: [{ role: 'web', vcpus: 2, memGiB: 8, replicas: 2, diskGiB: 60 }, { role: 'db', vcpus: 4, memGiB: 16, replicas: 1, diskGiB: 200 }] },
    { app: 'fileserver', tier: 'infra', criticality: 'medium', guestOs: WINDOWS, networks: ['corp-app-vlan20'], roles: [{ role: 'smb', vcpus: 4, memGiB: 16, replicas: 1, ioIntensive: true, diskGiB: 4000 }] },
    { app: 'monitoring', tier: 'infra', criticality: 'medium', guestOs: UBUNTU, networks: ['corp-app-vlan20'], roles: [{ role: 'collector', vcpus: 4, memGiB: 8, replicas: 2, diskGiB: 200 }] },
    { app: 'reporting', tier: 'batch', criticality: 'low', guestOs: LINUX, networks: ['corp-app-vlan20'], roles: [{ role: 'batch', vcpus: 4, memGiB: 16, replicas: 2, diskGiB: 100 }] },
  ],
  research: [
    { app: 'hpc-sim', tier: 'batch', criticality: 'low', guestOs: UBUNTU, networks: ['os-research-net'], roles: [{ role: 'compute', vcpus: 8, memGiB: 32, replicas: 4, diskGiB: 80 }] },
    { app: 'jupyter', tier: 'app', criticality: 'low', guestOs: UBUNTU, networks: ['os-research-net'], roles: [{ role: 'notebook', vcpus: 4, memGiB: 16, replicas: 2, diskGiB: 100 }] },
    { app: 'datalake', tier: 'data', criticality: 'medium', guestOs: UBUNTU, networks: ['os-research-net', 'os-research-storage'], roles: [{ role: 'ingest', vcpus: 4, memGiB: 16, replicas: 2, ioIntensive: true, diskGiB: 500 }, { role: 'query', vcpus: 8, memGiB: 32, replicas: 2, diskGiB: 200 }] },
  ],
  dmz: [
    { app: 'webshop', tier: 'web', criticality: 'high', guestOs: LINUX, networks: ['dmz-web-vlan200'], roles: [{ role: 'web', vcpus: 4, memGiB: 8, replicas: 4, diskGiB: 40 }] },
    { app: 'reverse-proxy', tier: 'web', criticality: 'high', guestOs: UBUNTU, networks: ['dmz-proxy-vlan201'], roles: [{ role: 'proxy', vcpus: 2, memGiB: 4, replicas: 3, diskGiB: 20 }] },
    { app: 'api-gateway', tier: 'web', criticality: 'high', guestOs: LINUX, networks: ['dmz-proxy-vlan201'], roles: [{ role: 'gateway', vcpus: 4, memGiB: 8, replicas: 3, diskGiB: 40 }] },
  ],
  dev: [
    { app: 'ci-runner', tier: 'batch', criticality: 'low', guestOs: UBUNTU, networks: ['dev-vmbr0'], roles: [{ role: 'runner', vcpus: 4, memGiB: 16, replicas: 3, diskGiB: 100 }] },
    { app: 'sandbox', tier: 'app', criticality: 'low', guestOs: UBUNTU, networks: ['dev-vmbr0'], roles: [{ role: 'dev', vcpus: 2, memGiB: 12, replicas: 2, diskGiB: 60 }] },
    { app: 'build-cache', tier: 'infra', criticality: 'low', guestOs: UBUNTU, networks: ['dev-vmbr1'], roles: [{ role: 'cache', vcpus: 4, memGiB: 24, replicas: 2, ioIntensive: true, diskGiB: 500 }] },
  ],
};

/** vSphere 8 SCG VM baseline (vmx keys). */
const vmxBaseline = (): Record<string, SettingValue> => ({
  'isolation.tools.copy.disable': true,
  'isolation.tools.paste.disable': true,
  'isolation.tools.dnd.disable': true,
  'isolation.tools.diskShrink.disable': true,
  'isolation.tools.diskWiper.disable': true,
  'isolation.device.connectable.disable': true,
  'mks.enable3d': false,
  'RemoteDisplay.maxConnections': 1,
  'tools.setInfo.sizeLimit': 1048576,
  'tools.guestlib.enableHostInfo': false,
  'tools.guest.desktop.autolock': true,
  'log.keepOld': 10,
  'log.rotateSize': 2048000,
  'migrate.encryptionMode': 'required',
  'ft.encryptionMode': 'ftEncryptionRequired',
});

interface VmSpec extends Vm {
  id: string;
  hostId: string;
  vcpus: number;
  memoryMiB: number;
  labels: Record<string, string | number | boolean>;
}

const traceFiles = readdirSync(join(here, 'traces'))
  .filter((f) => !f.endsWith('.md'))
  .sort();
/** Traces averaging over 40 % CPU: what the busy VMs on the over-consolidated spare replay. */
const heavyTraces = traceFiles.filter((f) => {
  const values = readFileSync(join(here, 'traces', f), 'utf8').trim().split('\n').map(Number);
  return values.reduce((a, b) => a + b, 0) / values.length > 40;
});
let traceCursor = 0;
const nextTrace = (): string => traceFiles[traceCursor++ % traceFiles.length]!;

const vms: VmSpec[] = [];
const vmByName = new Map<string, VmSpec>();
let vmMoref = 2000;
let pveVmid = 100;

function vmId(vendor: Vendor): string {
  switch (vendor) {
    case 'vmware':
      vmMoref += 3;
      return `vm-${vmMoref}`;
    case 'kvm':
      return uuid();
    case 'proxmox':
      return `qemu/${pveVmid++}`;
    case 'hyperv':
      return uuid().toUpperCase();
  }
}

function controllerFor(vendor: Vendor, io: boolean): 'scsi' | 'nvme' | 'sata' {
  if (vendor === 'kvm' || vendor === 'proxmox') return io ? 'nvme' : 'scsi';
  if (vendor === 'hyperv') return 'scsi';
  return io ? 'nvme' : 'scsi';
}

function adapterFor(vendor: Vendor): string {
  return vendor === 'vmware' ? 'vmxnet3' : vendor === 'hyperv' ? 'synthetic' : 'virtio';
}

function workloadFor(app: AppSpec, io: boolean, useTrace: boolean): NonNullable<Vm['workload']> {
  const peakHour = app.tier === 'batch' ? between(0, 4) : app.tier === 'web' ? between(17, 21) : between(8, 16);
  const avg = app.tier === 'batch' ? between(8, 20) : between(3, 12);
  const w: NonNullable<Vm['workload']> = {
    cpuAvgPct: avg,
    cpuPeakPct: Math.min(95, avg + between(8, 28)),
    peakHourUtc: peakHour,
    memActivePct: between(25, 70),
    iops: io ? between(1500, 4000) : between(20, 300),
    netMbps: app.tier === 'web' ? between(40, 200) : between(5, 60),
  };
  if (useTrace) w.trace = nextTrace();
  return w;
}

/** Least-loaded host of `pool` that does not already hold a replica of the same app and role. */
function place(pool: HostSpec[], app: string, role: string, load: Map<string, number>): HostSpec {
  const taken = new Set(vms.filter((v) => v.labels.app === app && v.labels.role === role).map((v) => v.hostId));
  const free = pool.filter((h) => !taken.has(h.id));
  const candidates = free.length > 0 ? free : pool;
  return candidates.reduce((best, h) => ((load.get(h.id) ?? 0) < (load.get(best.id) ?? 0) ? h : best));
}

const hostLoad = new Map<string, number>();
for (const c of clusters) {
  const clusterHosts = hostsByCluster.get(c.id)!;
  for (const group of c.vms) {
    const pool = group.hosts ? clusterHosts.slice(group.hosts[0] - 1, group.hosts[1]) : clusterHosts;
    const apps = catalogue[group.perimeter]!;
    let made = 0;
    let instance = 0;
    while (made < group.count) {
      instance += 1;
      for (const app of apps) {
        for (const role of app.roles) {
          for (let r = 1; r <= role.replicas && made < group.count; r++) {
            const name = `${c.id}-${app.app}-${role.role}-${pad(instance)}${String.fromCharCode(96 + r)}`;
            const appLabel = `${app.app}-${c.id}-${pad(instance)}`;
            const host = place(pool, appLabel, role.role, hostLoad);
            const io = role.ioIntensive === true;
            const vm: VmSpec = {
              id: vmId(c.vendor),
              name,
              hostId: host.id,
              cluster: c.id,
              datacenter: c.datacenter,
              datastore: `${c.id}-${io ? 'nvme' : 'ssd'}-ds${pad(between(1, 3))}`,
              perimeter: group.perimeter,
              vcpus: role.vcpus,
              memoryMiB: role.memGiB * 1024,
              powerState: 'poweredOn',
              guestOs: app.guestOs,
              nics: app.networks.map((network) => ({ network, speedMbps: 10000, adapter: adapterFor(c.vendor) })),
              disks: [
                { controller: controllerFor(c.vendor, false), sizeGiB: 60 },
                ...(role.diskGiB > 60 ? [{ controller: controllerFor(c.vendor, io), sizeGiB: role.diskGiB - 60 }] : []),
              ],
              labels: {
                app: appLabel,
                role: role.role,
                tier: app.tier,
                criticality: app.criticality,
                latencySensitive: app.latencySensitive === true,
                ioIntensive: io,
                env: group.perimeter === 'dev' ? 'dev' : 'prod',
              },
              workload: workloadFor(app, io, rand() < 0.15),
            };
            if (c.vendor === 'vmware') vm.settings = vmxBaseline();
            vms.push(vm);
            vmByName.set(name, vm);
            hostLoad.set(host.id, (hostLoad.get(host.id) ?? 0) + vm.vcpus);
            made += 1;
          }
        }
      }
    }
  }
}

const vmsOn = (hostId: string): VmSpec[] => vms.filter((v) => v.hostId === hostId);
const byName = (name: string): VmSpec => {
  const vm = vmByName.get(name);
  if (!vm) throw new Error(`generator: no VM named ${name}`);
  return vm;
};

// ---------------------------------------------------------------- the latency-sensitive trading app (corp)
const amsProd = hostsByCluster.get('ams-prod')!;
const quoteHosts = [amsProd[0]!, amsProd[1]!, amsProd[4]!];
for (let r = 1; r <= 3; r++) {
  const host = quoteHosts[r - 1]!;
  const vm: VmSpec = {
    id: vmId('vmware'),
    name: `ams-prod-quote-engine-${pad(r)}`,
    hostId: host.id,
    cluster: 'ams-prod',
    datacenter: 'dc-ams',
    datastore: 'ams-prod-nvme-ds01',
    perimeter: 'corp',
    vcpus: 8,
    memoryMiB: 32 * 1024,
    powerState: 'poweredOn',
    guestOs: LINUX,
    nics: [{ network: 'corp-app-vlan20', speedMbps: 25000, adapter: 'sriov', passthrough: true }],
    disks: [{ controller: 'nvme', sizeGiB: 200 }],
    settings: { ...vmxBaseline(), 'sched.cpu.latencySensitivity': 'high' },
    labels: { app: 'quote-engine', role: 'pricer', tier: 'app', criticality: 'critical', latencySensitive: true, ioIntensive: true, env: 'prod' },
    workload: { cpuAvgPct: 35, cpuPeakPct: 80, peakHourUtc: 14, memActivePct: 60, iops: 2500, netMbps: 900 },
  };
  vms.push(vm);
  vmByName.set(vm.name!, vm);
}

// ---------------------------------------------------------------- planted VM problems (initial state)
/** Critical, latency- and I/O-sensitive VM on an emulated NIC without passthrough/SR-IOV. */
export const PLANT_NO_PASSTHROUGH_VM = byName('ams-prod-quote-engine-03');
PLANT_NO_PASSTHROUGH_VM.nics = [{ network: 'corp-app-vlan20', speedMbps: 10000, adapter: 'e1000e', passthrough: false }];

/** I/O-heavy database on an IDE controller (legacy P2V import). */
export const PLANT_IDE_VM = byName('fra-prod-crm-db-01a');
PLANT_IDE_VM.disks = [
  { controller: 'ide', sizeGiB: 60 },
  { controller: 'ide', sizeGiB: 540 },
];
PLANT_IDE_VM.workload = { ...PLANT_IDE_VM.workload, iops: 6500 };

/** VM hardening: console copy/paste on, unlimited console sessions, host info exposed, vMotion unencrypted. */
export const PLANT_WEAK_VMX_VM = byName('ams-prod-hr-portal-web-01a');
Object.assign(PLANT_WEAK_VMX_VM.settings!, {
  'isolation.tools.copy.disable': false,
  'isolation.tools.paste.disable': false,
  'RemoteDisplay.maxConnections': -1,
  'tools.guestlib.enableHostInfo': true,
  'migrate.encryptionMode': 'disabled',
  'mks.enable3d': true,
});

/** A PCI VM with a NIC on a corporate VLAN: network outside its perimeter. */
export const PLANT_WRONG_NETWORK_VM = byName('ams-pci-tokenizer-app-01a');
PLANT_WRONG_NETWORK_VM.nics = [
  { network: 'pci-app-vlan110', speedMbps: 10000, adapter: 'vmxnet3' },
  { network: 'corp-app-vlan20', speedMbps: 10000, adapter: 'vmxnet3' },
];

/** Coinciding peaks: every VM on this host (a nightly-batch slot) peaks at 02:00 UTC near 90%. */
export const PLANT_PEAKS_HOST = hostNamed('ams-prod', 6);
const peakVms = vmsOn(PLANT_PEAKS_HOST.id);
for (const vm of peakVms) {
  vm.workload = { cpuAvgPct: 20, cpuPeakPct: 92, peakHourUtc: 2, memActivePct: 55, iops: vm.workload?.iops ?? 200, netMbps: vm.workload?.netMbps ?? 20 };
}

/** Network: 2 × 10 GbE uplinks and VMs streaming ~14 Gbit/s: one failed uplink cannot carry the load. */
export const PLANT_UPLINK_HOST = hostNamed('ams-prod', 11);
PLANT_UPLINK_HOST.nics = [
  { id: 'vmnic0', speedMbps: 10000 },
  { id: 'vmnic1', speedMbps: 10000 },
];
{
  const onHost = vmsOn(PLANT_UPLINK_HOST.id);
  const each = Math.ceil(14000 / onHost.length);
  for (const vm of onHost) vm.workload = { ...vm.workload, netMbps: each };
}

/** Storage: a host on an older array (20k IOPS) carrying ~30k IOPS of demand. */
export const PLANT_IOPS_HOST = hostNamed('fra-prod', 8);
PLANT_IOPS_HOST.storage = { iopsCapacity: 20000 };
{
  const onHost = vmsOn(PLANT_IOPS_HOST.id);
  const each = Math.ceil(30000 / onHost.length);
  for (const vm of onHost) vm.workload = { ...vm.workload, iops: each };
}

/**
 * VM sprawl: the vSphere collector reports every ESXi VM's snapshot tree (none for most); one database kept the
 * snapshot taken before an upgrade three weeks earlier, and one app server collected a chain of six. No PRNG draw
 * here, so the rest of the fleet is unchanged.
 */
for (const vm of vms) if (hostById.get(vm.hostId)?.hypervisor?.vendor === 'vmware') vm.snapshots = { count: 0 };
export const PLANT_OLD_SNAPSHOT_VM = byName('ams-prod-orders-db-01a');
PLANT_OLD_SNAPSHOT_VM.snapshots = { count: 1, oldest: '2026-10-29T22:15:00.000Z' };
export const PLANT_MANY_SNAPSHOTS_VM = byName('fra-prod-crm-app-01a');
PLANT_MANY_SNAPSHOTS_VM.snapshots = { count: 6, oldest: '2026-11-16T03:00:00.000Z' };

/** N+1: dev cluster memory so full that losing the largest host leaves its VMs nowhere to restart. */
export const PLANT_NPLUS1_CLUSTER = 'fra-pve';

// ---------------------------------------------------------------- events
const files: Record<string, FleetEvent[]> = { perimeters: [], hosts: [], vms: [], history: [] };
const seq: Record<string, number> = {};
/** An event without its id and source (the generator numbers them), one union member at a time. */
type EventBody = FleetEvent extends infer E ? (E extends FleetEvent ? Omit<E, 'id' | 'source'> : never) : never;
function emit(file: keyof typeof files, event: EventBody): void {
  seq[file] = (seq[file] ?? 0) + 1;
  const candidate = { id: `sample-${file}-${pad(seq[file]!, 5)}`, source: 'canonical', ...event };
  const parsed = FleetEventSchema.safeParse(candidate);
  if (!parsed.success) throw new Error(`generator produced an invalid event: ${JSON.stringify(candidate)}\n${parsed.error.message}`);
  files[file]!.push(parsed.data);
}

for (const p of perimeters) emit('perimeters', { type: 'perimeter.upsert', time: at(0), perimeter: p });
for (const h of hosts) emit('hosts', { type: 'host.upsert', time: at(0), host: h });
for (const v of vms) emit('vms', { type: 'vm.upsert', time: at(0.5), vm: v });

/** History: mutate placement as the events say, so the final state is exactly what the events produce. */
function migrate(time: number, vm: VmSpec, to: HostSpec, kind: 'live' | 'drs' | 'evacuate' | 'cold' | 'ha'): void {
  const from = hostById.get(vm.hostId) ?? (vm.hostId === spare.id ? spare : undefined);
  emit('history', {
    type: 'vm.migrate',
    time: at(time),
    migrate: {
      vmId: vm.id,
      fromHostId: vm.hostId,
      toHostId: to.id,
      kind,
      ...(from && from.cluster !== to.cluster && { toCluster: to.cluster }),
      ...(from && from.datacenter !== to.datacenter && { toDatacenter: to.datacenter }),
    },
  });
  vm.hostId = to.id;
  vm.cluster = to.cluster;
  vm.datacenter = to.datacenter;
}

let clock = 2; // hours after T0

// Day 1: routine DRS balancing inside clusters.
for (const c of ['ams-prod', 'fra-prod', 'nyc-prod']) {
  const pool = hostsByCluster.get(c)!;
  for (let k = 0; k < 12; k++) {
    const from = pool[k % pool.length]!;
    const to = pool[(k * 5 + 3) % pool.length]!;
    const candidate = vmsOn(from.id).find((v) => !vmsOn(to.id).some((o) => o.labels.app === v.labels.app && o.labels.role === v.labels.role) && v.id !== PLANT_NO_PASSTHROUGH_VM.id && !String(v.name).includes('quote'));
    if (candidate && from.id !== to.id && from.id !== PLANT_PEAKS_HOST.id && to.id !== PLANT_PEAKS_HOST.id && from.id !== PLANT_UPLINK_HOST.id && to.id !== PLANT_UPLINK_HOST.id && from.id !== PLANT_IOPS_HOST.id && to.id !== PLANT_IOPS_HOST.id) {
      migrate((clock += 0.37), candidate, to, 'drs');
    }
  }
}

// Day 1: benign clones inside their perimeter (templates for scale-out).
for (const name of ['fra-prod-orders-web-01a', 'nyc-prod-intranet-web-01a', 'ams-dmz-webshop-web-01a']) {
  const src = byName(name);
  const target = hostsByCluster.get(src.cluster!)!.find((h) => !vmsOn(h.id).some((v) => v.labels.app === src.labels.app && v.labels.role === src.labels.role))!;
  const cloneVm: VmSpec = { ...structuredClone(src), id: vmId('vmware'), name: src.name!.replace(/a$/, 'z'), hostId: target.id };
  delete (cloneVm as Partial<VmSpec>).perimeter; // inherited from the source
  emit('history', { type: 'vm.clone', time: at((clock += 0.8)), clone: { sourceVmId: src.id, vm: cloneVm } });
  vms.push({ ...cloneVm, perimeter: src.perimeter! });
  vmByName.set(cloneVm.name!, cloneVm);
}

// Day 1 evening: PERIMETER — a PCI database cloned for "performance testing" onto a corporate host.
export const PLANT_CLONE_SOURCE = byName('ams-pci-cardvault-db-01a');
export const PLANT_CLONE_TARGET_HOST = hostNamed('ams-prod', 8);
export const PLANT_CLONE_VM: VmSpec = {
  ...structuredClone(PLANT_CLONE_SOURCE),
  id: vmId('vmware'),
  name: 'ams-prod-cardvault-db-perftest',
  hostId: PLANT_CLONE_TARGET_HOST.id,
  cluster: 'ams-prod',
  datastore: 'ams-prod-ssd-ds02',
  nics: [{ network: 'corp-app-vlan20', speedMbps: 10000, adapter: 'vmxnet3' }],
};
delete (PLANT_CLONE_VM as Partial<VmSpec>).perimeter;
emit('history', { type: 'vm.clone', time: at(20.5), clone: { sourceVmId: PLANT_CLONE_SOURCE.id, vm: PLANT_CLONE_VM } });
vms.push({ ...PLANT_CLONE_VM, perimeter: 'pci' });

// Day 2: rolling patch of nyc-prod to ESXi 8.0 U3e: enter maintenance, evacuate, upgrade, exit.
clock = 26;
export const PATCHED_CLUSTER = 'nyc-prod';
emit('history', { type: 'host.upsert', time: at(clock), host: spare });
const nycProd = hostsByCluster.get('nyc-prod')!;
export const PLANT_OVERCOMMIT_HOST = spare;
for (const h of nycProd.slice(0, 6)) {
  emit('history', { type: 'host.maintenance_enter', time: at((clock += 0.25)), host: { id: h.id } });
  // The evacuation dumps onto the new spare (DRS was left in manual mode): the over-consolidation story.
  for (const vm of vmsOn(h.id)) migrate((clock += 0.01), vm, spare, 'evacuate');
  emit('history', { type: 'host.upsert', time: at((clock += 0.5)), host: { id: h.id, hypervisor: { vendor: 'vmware', ...ESXI_8U3E } } });
  h.hypervisor = { vendor: 'vmware', ...ESXI_8U3E };
  emit('history', { type: 'host.maintenance_exit', time: at((clock += 0.2)), host: { id: h.id } });
}
// DRS moves only a few back; the spare ends far over its vCPU:core and memory budget.
{
  // What stays: small VMs until the spare holds ~9.5 vCPUs per core and ~1.5x its memory.
  const onSpare = vmsOn(spare.id).sort((x, y) => x.memoryMiB - y.memoryMiB || (x.id < y.id ? -1 : 1));
  let vcpu = 0;
  let memMiB = 0;
  let k = 0;
  for (const vm of onSpare) {
    if (vcpu < 152 && memMiB + vm.memoryMiB <= 1.5 * spare.memoryMiB!) {
      vcpu += vm.vcpus;
      memMiB += vm.memoryMiB;
      continue;
    }
    const order = nycProd.slice(0, 6);
    const to = order.find((h, i) => i >= k % 6 && !vmsOn(h.id).some((o) => o.labels.app === vm.labels.app && o.labels.role === vm.labels.role)) ?? order[k % 6]!;
    k += 1;
    migrate((clock += 0.02), vm, to, 'drs');
  }
  // The ones left behind are busy: the host is overloaded in simulation too.
  let h = 0;
  for (const vm of vmsOn(spare.id)) {
    vm.workload = { ...vm.workload, cpuAvgPct: between(30, 45), cpuPeakPct: between(70, 95), memActivePct: between(60, 85) };
    // A replayed trace wins over the profile in simulation: give the traced ones a busy PlanetLab VM.
    if (vm.workload.trace !== undefined) vm.workload.trace = heavyTraces[h++ % heavyTraces.length]!;
    emit('history', { type: 'vm.upsert', time: at((clock += 0.01)), vm: { id: vm.id, workload: vm.workload } });
  }
}

// Day 2: hardening drift — an admin turned SSH on to debug ams-prod-esx03 (already planted) and a connection loss.
export const PLANT_FLAPPING_HOST = hostNamed('nyc-hv', 3);
emit('history', { type: 'host.connection_lost', time: at(40.1), host: { id: PLANT_FLAPPING_HOST.id } });
emit('history', { type: 'host.connected', time: at(40.6), host: { id: PLANT_FLAPPING_HOST.id } });

// Day 3: PERIMETER — a PCI API VM vMotioned by hand onto a corporate host (migration crossed perimeters).
export const PLANT_MIGRATED_OUT_VM = byName('ams-pci-payments-api-01b');
export const PLANT_MIGRATED_OUT_TO = hostNamed('ams-prod', 10);
migrate(50.25, PLANT_MIGRATED_OUT_VM, PLANT_MIGRATED_OUT_TO, 'live');

// Day 3: PERIMETER — a research notebook live-migrated onto a corporate KVM host: trust 4 next to trust 6.
export const PLANT_MIXED_TRUST_VM = vms.find((v) => v.cluster === 'fra-kvm' && v.perimeter === 'research' && v.labels.role === 'notebook')!;
export const PLANT_MIXED_TRUST_HOST = hostNamed('fra-kvm', 2);
migrate(52.75, PLANT_MIXED_TRUST_VM, PLANT_MIXED_TRUST_HOST, 'live');

// Day 3: PERIMETER — latency-sensitive quote engine moved Amsterdam → New York during a DC network change.
export const PLANT_CROSS_DC_VM = byName('ams-prod-quote-engine-02');
export const PLANT_CROSS_DC_TO = hostNamed('nyc-prod', 8);
migrate(55.5, PLANT_CROSS_DC_VM, PLANT_CROSS_DC_TO, 'live');

// Day 3: CONSOLIDATION — DRS (with a stale anti-affinity rule) puts both orders databases on one host.
export const PLANT_REPLICA_A = byName('fra-prod-orders-db-01a');
export const PLANT_REPLICA_B = byName('fra-prod-orders-db-01b');
migrate(58, PLANT_REPLICA_B, hostById.get(PLANT_REPLICA_A.hostId)!, 'drs');

// Day 3: a DMZ VM powered off and decommissioned; a dev VM removed.
{
  const retired = byName('ams-dmz-reverse-proxy-proxy-02c');
  emit('history', { type: 'vm.power_off', time: at(60), vm: { id: retired.id } });
  emit('history', { type: 'vm.remove', time: at(61), vm: { id: retired.id } });
  vms.splice(vms.indexOf(retired), 1);
}

// Day 4: a Proxmox node patched (maintenance with VMs staying put: dev accepts the downtime).
{
  const node = hostNamed('fra-pve', 4);
  emit('history', { type: 'host.maintenance_enter', time: at(74), host: { id: node.id } });
  emit('history', { type: 'host.upsert', time: at(74.5), host: { id: node.id, hypervisor: { vendor: 'proxmox', version: '8.3.1', build: 'pve-manager/8.3.1' } } });
  emit('history', { type: 'host.maintenance_exit', time: at(75), host: { id: node.id } });
}

// Day 4: a KVM research host drops off the network and stays down (its VMs are HA-restarted on peers).
export const PLANT_LOST_HOST = hostNamed('nyc-kvm', 6);
emit('history', { type: 'host.connection_lost', time: at(80), host: { id: PLANT_LOST_HOST.id } });
{
  const peers = hostsByCluster.get('nyc-kvm')!.filter((h) => h.id !== PLANT_LOST_HOST.id);
  let k = 0;
  for (const vm of vmsOn(PLANT_LOST_HOST.id)) migrate(80.2 + k * 0.01, vm, peers[k++ % peers.length]!, 'ha');
}

// Day 4: VM power cycles to show power events.
for (const name of ['fra-pve-ci-runner-runner-01a', 'fra-pve-sandbox-dev-02b']) {
  const vm = vmByName.get(name);
  if (!vm) continue;
  emit('history', { type: 'vm.power_off', time: at(84), vm: { id: vm.id } });
  emit('history', { type: 'vm.power_on', time: at(84.5), vm: { id: vm.id } });
}

// ---------------------------------------------------------------- day 4 as vCenter delivered it (VEBA CloudEvents)
/**
 * The last hours arrive the way production delivers them: a batch of CloudEvents from the VMware Event Broker
 * Appliance, in both generations of its `type` (router `com.vmware.event.router/event` + subject, and
 * `com.vmware.vsphere.<Class>.v0`). MoRefs and inventory names match the canonical files, so these events move the
 * same VMs and hosts.
 */
const VC = 'https://vc01.ams.example.net/sdk';
const datacenterRef: Record<string, string> = { 'dc-ams': 'datacenter-3', 'dc-fra': 'datacenter-1003', 'dc-nyc': 'datacenter-2003' };
const clusterRef = (c: string): string => `domain-c${100 + clusters.findIndex((x) => x.id === c)}`;
let vcKey = 880_000;
const hostOf = (id: string): HostSpec => (id === spare.id ? spare : hostById.get(id)!);
function vcArgs(vm: VmSpec | undefined, host: HostSpec): Record<string, unknown> {
  return {
    Datacenter: { Name: host.datacenter, Datacenter: { Type: 'Datacenter', Value: datacenterRef[host.datacenter] } },
    ComputeResource: { Name: host.cluster, ComputeResource: { Type: 'ClusterComputeResource', Value: clusterRef(host.cluster) } },
    Host: { Name: host.name, Host: { Type: 'HostSystem', Value: host.id } },
    Vm: vm ? { Name: vm.name, Vm: { Type: 'VirtualMachine', Value: vm.id } } : null,
    Ds: null,
    Net: null,
    Dvs: null,
  };
}
const veba: Record<string, unknown>[] = [];
/** A PCI VM whose console/guestlib settings drift through a vCenter reconfigure. */
export let PLANT_VEBA_DRIFT_VM: VmSpec | undefined;
function cloudEvent(style: 'router' | 'v0', className: string, hours: number, data: Record<string, unknown>, message: string): void {
  vcKey += 1;
  const time = at(hours);
  const body = { Key: vcKey, ChainId: vcKey, CreatedTime: time, UserName: 'VSPHERE.LOCAL\\svc-drs', ...data, FullFormattedMessage: message, ChangeTag: '', Template: false };
  const id = uuid();
  veba.push(
    style === 'router'
      ? { id, source: VC, specversion: '1.0', type: 'com.vmware.event.router/event', subject: className, time, data: body, datacontenttype: 'application/json' }
      : { specversion: '1.0', id, source: VC, type: `com.vmware.vsphere.${className}.v0`, datacontenttype: 'application/json', time, data: body },
  );
}
{
  const quiet = (h: HostSpec) => ![PLANT_PEAKS_HOST, PLANT_UPLINK_HOST, PLANT_IOPS_HOST, PLANT_CLONE_TARGET_HOST, PLANT_MIGRATED_OUT_TO, spare].some((p) => p.id === h.id);
  const movable = (from: HostSpec, to: HostSpec) =>
    vmsOn(from.id).find((v) => !String(v.name).includes('quote') && v.id !== PLANT_WEAK_VMX_VM.id && !vmsOn(to.id).some((o) => o.labels.app === v.labels.app && o.labels.role === v.labels.role));
  const [a1, a2] = [hostNamed('ams-prod', 2), hostNamed('ams-prod', 12)].filter(quiet) as [HostSpec, HostSpec];
  const drsVm = movable(a1, a2)!;
  cloudEvent('v0', 'DrsVmMigratedEvent', 86.1, { ...vcArgs(drsVm, a2), SourceHost: { Name: a1.name, Host: { Type: 'HostSystem', Value: a1.id } }, SourceDatacenter: null, SourceDatastore: null }, `DRS migrated ${drsVm.name} from ${a1.name} to ${a2.name} in ${a2.datacenter}`);
  drsVm.hostId = a2.id;

  const [f1, f2] = [hostNamed('fra-prod', 3), hostNamed('fra-prod', 5)];
  const vmotionVm = movable(f1, f2)!;
  cloudEvent('router', 'VmBeingHotMigratedEvent', 86.3, { ...vcArgs(vmotionVm, f1), DestHost: { Name: f2.name, Host: { Type: 'HostSystem', Value: f2.id } } }, `Migrating ${vmotionVm.name} from ${f1.name} to ${f2.name}`);
  cloudEvent('router', 'VmMigratedEvent', 86.35, { ...vcArgs(vmotionVm, f2), SourceHost: { Name: f1.name, Host: { Type: 'HostSystem', Value: f1.id } }, SourceDatacenter: null, SourceDatastore: null }, `Migration of virtual machine ${vmotionVm.name} from ${f1.name} to ${f2.name} completed`);
  vmotionVm.hostId = f2.id;

  const cycled = vmsOn(hostNamed('nyc-prod', 9).id)[0]!;
  cloudEvent('v0', 'VmPoweredOffEvent', 87, vcArgs(cycled, hostOf(cycled.hostId)), `${cycled.name} on ${hostOf(cycled.hostId).name} in dc-nyc is powered off`);
  cloudEvent('v0', 'VmPoweredOnEvent', 87.2, vcArgs(cycled, hostOf(cycled.hostId)), `${cycled.name} on ${hostOf(cycled.hostId).name} in dc-nyc is powered on`);

  const dmzHost = hostNamed('ams-dmz', 4);
  cloudEvent('router', 'EnteredMaintenanceModeEvent', 88, vcArgs(undefined, dmzHost), `Host ${dmzHost.name} in dc-ams has entered maintenance mode`);
  cloudEvent('router', 'ExitMaintenanceModeEvent', 88.8, vcArgs(undefined, dmzHost), `Host ${dmzHost.name} in dc-ams has exited maintenance mode`);

  const pciHost = hostNamed('ams-pci', 5);
  cloudEvent('v0', 'HostConnectionLostEvent', 89, vcArgs(undefined, pciHost), `Host ${pciHost.name} in dc-ams is not responding`);
  cloudEvent('v0', 'HostConnectedEvent', 89.1, vcArgs(undefined, pciHost), `Connected to ${pciHost.name} in dc-ams`);

  const drifted = vmsOn(hostNamed('ams-pci', 2).id).find((v) => v.labels.app?.toString().startsWith('payments'))!;
  cloudEvent(
    'router',
    'VmReconfiguredEvent',
    90,
    {
      ...vcArgs(drifted, hostOf(drifted.hostId)),
      ConfigSpec: { ExtraConfig: [{ Key: 'RemoteDisplay.maxConnections', Value: 5 }, { Key: 'tools.guestlib.enableHostInfo', Value: true }] },
      ConfigChanges: { Modified: 'config.extraConfig["RemoteDisplay.maxConnections"]: 1 -> 5; config.extraConfig["tools.guestlib.enableHostInfo"]: false -> true', Added: '', Deleted: '' },
    },
    `Reconfigured ${drifted.name} on ${hostOf(drifted.hostId).name} in dc-ams.`,
  );
  Object.assign(drifted.settings!, { 'RemoteDisplay.maxConnections': 5, 'tools.guestlib.enableHostInfo': true });
  PLANT_VEBA_DRIFT_VM = drifted;
}
// ---------------------------------------------------------------- day 4 from OpenStack Nova (versioned notifications)
/**
 * The KVM clusters are OpenStack compute nodes; their changes arrive as Nova versioned notifications (the
 * oslo `message_id`/`timestamp` envelope real messages carry). Host ids are Nova compute host names and VM ids
 * instance uuids, as in the canonical files.
 */
const nova: Record<string, unknown>[] = [];
const osloTime = (hours: number): string => at(hours).replace('T', ' ').replace('Z', '').replace(/\.(\d{3})$/, '.$1000');
const FLAVORS: Record<string, string> = { '2': 'm1.small', '4': 'm1.large', '8': 'm1.xlarge', '16': 'm1.2xlarge' };
function instancePayload(vm: VmSpec, host: HostSpec, state: 'active' | 'stopped'): Record<string, unknown> {
  return {
    'nova_object.name': 'InstanceActionPayload',
    'nova_object.namespace': 'nova',
    'nova_object.version': '1.8',
    'nova_object.data': {
      uuid: vm.id,
      display_name: vm.name,
      host_name: vm.name,
      host: host.id,
      node: host.name,
      availability_zone: host.cluster,
      tenant_id: vm.perimeter === 'research' ? '7a1c0c6f4b1e4d2e9f3a5b6c7d8e9f01' : '3b2d1f0e9c8b4a7d6e5f4a3b2c1d0e9f',
      user_id: 'svc-orchestrator',
      state,
      power_state: state === 'active' ? 'running' : 'shutdown',
      task_state: null,
      os_type: 'linux',
      architecture: 'x86_64',
      flavor: {
        'nova_object.name': 'FlavorPayload',
        'nova_object.namespace': 'nova',
        'nova_object.version': '1.4',
        'nova_object.data': { flavorid: `flv-${vm.vcpus}c`, name: FLAVORS[String(vm.vcpus)] ?? `c${vm.vcpus}`, vcpus: vm.vcpus, memory_mb: vm.memoryMiB, root_gb: 80, ephemeral_gb: 0, swap: 0, disabled: false, is_public: true, extra_specs: {} },
      },
      ip_addresses: (vm.nics ?? []).map((n, i) => ({
        'nova_object.name': 'IpPayload',
        'nova_object.namespace': 'nova',
        'nova_object.version': '1.0',
        'nova_object.data': { label: n.network, address: `10.${40 + i}.${between(0, 255)}.${between(2, 254)}`, version: 4, mac: 'fa:16:3e:00:00:00'.replace(/00:00:00$/, () => [0, 0, 0].map(() => pad(between(0, 99))).join(':')), device_name: `tap${vm.id.slice(0, 11)}`, port_uuid: uuid(), meta: {} },
      })),
      created_at: at(0),
      launched_at: at(0.1),
      updated_at: at(86),
      terminated_at: null,
      deleted_at: null,
      locked: false,
      auto_disk_config: 'MANUAL',
      metadata: { app: String(vm.labels.app), role: String(vm.labels.role) },
    },
  };
}
function novaMessage(hours: number, eventType: string, publisherHost: string, payload: Record<string, unknown>): void {
  nova.push({ message_id: uuid(), publisher_id: `nova-compute:${publisherHost}`, event_type: eventType, priority: 'INFO', timestamp: osloTime(hours), payload });
}
{
  const from = hostNamed('fra-kvm', 6);
  const to = hostNamed('fra-kvm', 8);
  const moving = vmsOn(from.id).find((v) => v.perimeter === 'research' && !vmsOn(to.id).some((o) => o.labels.app === v.labels.app && o.labels.role === v.labels.role))!;
  novaMessage(91, 'instance.live_migration_pre.start', to.id, instancePayload(moving, from, 'active'));
  novaMessage(91.01, 'instance.live_migration_pre.end', to.id, instancePayload(moving, from, 'active'));
  novaMessage(91.05, 'instance.live_migration_post.start', from.id, instancePayload(moving, from, 'active'));
  novaMessage(91.06, 'instance.live_migration_post_dest.start', to.id, instancePayload(moving, from, 'active'));
  novaMessage(91.08, 'instance.live_migration_post_dest.end', to.id, instancePayload(moving, to, 'active'));
  novaMessage(91.09, 'instance.live_migration_post.end', from.id, instancePayload(moving, to, 'active'));
  moving.hostId = to.id;

  const cycled = vmsOn(hostNamed('nyc-kvm', 4).id)[0]!;
  const cycledHost = hostOf(cycled.hostId);
  novaMessage(92, 'instance.power_off.end', cycledHost.id, instancePayload(cycled, cycledHost, 'stopped'));
  novaMessage(92.5, 'instance.power_on.end', cycledHost.id, instancePayload(cycled, cycledHost, 'active'));

  const drained = hostNamed('fra-kvm', 9);
  const service = (disabled: boolean) => ({
    'nova_object.name': 'ServiceStatusPayload',
    'nova_object.namespace': 'nova',
    'nova_object.version': '1.1',
    'nova_object.data': { host: drained.id, binary: 'nova-compute', topic: 'compute', availability_zone: 'fra-kvm', disabled, disabled_reason: disabled ? 'kernel update' : null, forced_down: false, last_seen_up: at(93), report_count: 41250, uuid: 'f5a3c1de-7b2a-4c9e-8d10-6e4f2a9b0c11', version: 66 },
  });
  novaMessage(93, 'service.update', drained.id, service(true));
  novaMessage(93.75, 'service.update', drained.id, service(false));
}

// ---------------------------------------------------------------- day 4 from Proxmox (/cluster/resources snapshot)
/**
 * A `/api2/json/cluster/resources` answer for fra-pve, wrapped with the capture time the way `hyperaudit`
 * stores snapshots. It restates the dev cluster as it stands (nodes, guests with tags and pools, storage) and
 * shows one runner stopped.
 */
const GiB = 1024 ** 3;
const pveNodes = hostsByCluster.get('fra-pve')!;
const pveStopped = vms.find((v) => v.cluster === 'fra-pve' && v.labels.role === 'runner' && v.name!.endsWith('03c'))!;
const proxmox = {
  time: at(94),
  data: [
    ...pveNodes.map((h) => ({
      id: `node/${h.id}`,
      type: 'node',
      node: h.id,
      status: 'online',
      level: 'c',
      cpu: round3(0.18 + rand() * 0.2),
      maxcpu: h.cpu.sockets * h.cpu.coresPerSocket * (h.cpu.threadsPerCore ?? 1),
      mem: Math.round(h.memoryMiB * 1024 * 1024 * (0.8 + rand() * 0.1)),
      maxmem: h.memoryMiB * 1024 * 1024,
      disk: 21 * GiB,
      maxdisk: 94 * GiB,
      uptime: between(200_000, 900_000),
      'cgroup-mode': 2,
      'host-arch': 'x86_64',
    })),
    ...vms
      .filter((v) => v.cluster === 'fra-pve')
      .map((v) => ({
        id: v.id,
        type: 'qemu',
        vmid: Number(v.id.split('/')[1]),
        name: v.name,
        node: v.hostId,
        status: v === pveStopped ? 'stopped' : 'running',
        template: 0,
        tags: `${String(v.labels.app).split('-fra-pve-')[0]};${String(v.labels.role)}`,
        pool: 'dev',
        cpu: v === pveStopped ? 0 : round3(rand() * 0.4),
        maxcpu: v.vcpus,
        mem: v === pveStopped ? 0 : Math.round(v.memoryMiB * 1024 * 1024 * (0.3 + rand() * 0.5)),
        maxmem: v.memoryMiB * 1024 * 1024,
        disk: 0,
        maxdisk: ((v.disks ?? []).reduce((n, d) => n + (d.sizeGiB ?? 0), 0) || 60) * GiB,
        diskread: between(1, 900) * 1024 * 1024 * 1024,
        diskwrite: between(1, 900) * 1024 * 1024 * 1024,
        netin: between(1, 90) * GiB,
        netout: between(1, 90) * GiB,
        uptime: v === pveStopped ? 0 : between(20_000, 300_000),
      })),
    ...pveNodes.map((h) => ({ id: `storage/${h.id}/ceph-dev`, type: 'storage', node: h.id, storage: 'ceph-dev', plugintype: 'rbd', status: 'available', shared: 1, content: 'images,rootdir', disk: 9_100 * GiB, maxdisk: 24_000 * GiB })),
  ],
};
pveStopped.powerState = 'poweredOff';
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------- write
mkdirSync(outDir, { recursive: true });
mkdirSync(join(outRoot, 'sources', 'nova'), { recursive: true });
mkdirSync(join(outRoot, 'sources', 'proxmox'), { recursive: true });
writeFileSync(join(outRoot, 'sources', 'nova', 'notifications.ndjson'), nova.map((m) => JSON.stringify(m)).join('\n') + '\n');
writeFileSync(join(outRoot, 'sources', 'proxmox', 'fra-pve-cluster-resources.json'), JSON.stringify(proxmox, null, 1) + '\n');
mkdirSync(join(outRoot, 'sources', 'vcenter'), { recursive: true });
writeFileSync(join(outRoot, 'sources', 'vcenter', 'veba-batch.json'), JSON.stringify(veba, null, 2) + '\n');
for (const [name, events] of Object.entries(files)) {
  writeFileSync(join(outDir, `${name}.ndjson`), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

// A compact summary for samples/README.md and the demo test.
const summary = {
  hosts: hosts.length + 1,
  vms: vms.length,
  events: Object.values(files).reduce((n, f) => n + f.length, 0),
  byVendor: Object.fromEntries(
    (['vmware', 'kvm', 'hyperv', 'proxmox'] as const).map((v) => [v, [...hosts, spare].filter((h) => h.hypervisor?.vendor === v).length]),
  ),
  planted: {
    sshHost: PLANT_SSH_HOST.id,
    lockdownHost: PLANT_LOCKDOWN_HOST.id,
    noLoggingHost: PLANT_NO_LOGGING_HOST.id,
    weakPasswordHost: PLANT_WEAK_PASSWORD_HOST.id,
    oldBuildHost: PLANT_OLD_BUILD_HOST.id,
    tpsBpduHost: PLANT_TPS_BPDU_HOST.id,
    noSecureBootHost: PLANT_NO_SECUREBOOT_HOST.id,
    kvmUnconfinedHost: PLANT_KVM_UNCONFINED_HOST.id,
    kvmCleartextHost: PLANT_KVM_CLEARTEXT_HOST.id,
    weakVmxVm: PLANT_WEAK_VMX_VM.id,
    wrongNetworkVm: PLANT_WRONG_NETWORK_VM.id,
    cloneVm: PLANT_CLONE_VM.id,
    migratedOutVm: PLANT_MIGRATED_OUT_VM.id,
    mixedTrustVm: PLANT_MIXED_TRUST_VM.id,
    mixedTrustHost: PLANT_MIXED_TRUST_HOST.id,
    crossDcVm: PLANT_CROSS_DC_VM.id,
    overcommitHost: PLANT_OVERCOMMIT_HOST.id,
    overcommitHostVms: vmsOn(spare.id).length,
    overcommitHostVcpus: vmsOn(spare.id).reduce((n, v) => n + v.vcpus, 0),
    overcommitHostMemGiB: vmsOn(spare.id).reduce((n, v) => n + v.memoryMiB, 0) / 1024,
    replicaHost: PLANT_REPLICA_A.hostId,
    replicaVms: [PLANT_REPLICA_A.id, PLANT_REPLICA_B.id],
    peaksHost: PLANT_PEAKS_HOST.id,
    uplinkHost: PLANT_UPLINK_HOST.id,
    iopsHost: PLANT_IOPS_HOST.id,
    ideVm: PLANT_IDE_VM.id,
    noPassthroughVm: PLANT_NO_PASSTHROUGH_VM.id,
    nPlus1Cluster: PLANT_NPLUS1_CLUSTER,
    nPlus1ClusterMemGiB: vms.filter((v) => v.cluster === PLANT_NPLUS1_CLUSTER).reduce((n, v) => n + v.memoryMiB, 0) / 1024,
    lostHost: PLANT_LOST_HOST.id,
    oldSnapshotVm: PLANT_OLD_SNAPSHOT_VM.id,
    manySnapshotsVm: PLANT_MANY_SNAPSHOTS_VM.id,
    vebaDriftVm: PLANT_VEBA_DRIFT_VM?.id,
  },
};
writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
process.stdout.write(`wrote ${summary.events} events (${summary.hosts} hosts, ${summary.vms} VMs) to ${outDir}\n`);

// Per-cluster load, printed so a change to the generator that breaks the story shows up at once.
for (const c of [...clusters.map((x) => x.id)]) {
  const list = [...(hostsByCluster.get(c) ?? []), ...(c === spare.cluster ? [spare] : [])];
  const cores = list.reduce((n, h) => n + h.cpu.sockets * h.cpu.coresPerSocket, 0);
  const mem = list.reduce((n, h) => n + h.memoryMiB, 0) / 1024;
  const largest = Math.max(...list.map((h) => h.memoryMiB)) / 1024;
  const on = vms.filter((v) => v.cluster === c);
  const vcpu = on.reduce((n, v) => n + v.vcpus, 0);
  const vmem = on.reduce((n, v) => n + v.memoryMiB, 0) / 1024;
  const ghz = list.reduce((n, h) => n + (h.cpu.sockets * h.cpu.coresPerSocket * h.cpu.mhz) / 1000, 0);
  const largestGhz = Math.max(...list.map((h) => (h.cpu.sockets * h.cpu.coresPerSocket * h.cpu.mhz) / 1000));
  const peakGhz = on.filter((v) => v.powerState !== 'poweredOff').reduce((n, v) => n + (v.vcpus * hostOf(v.hostId).cpu.mhz * (v.workload?.cpuPeakPct ?? 100)) / 100 / 1000, 0);
  process.stdout.write(
    `${c.padEnd(9)} hosts ${String(list.length).padStart(2)} vms ${String(on.length).padStart(4)} vCPU:core ${(vcpu / cores).toFixed(2)} mem ${vmem.toFixed(0)}/${mem.toFixed(0)} GiB (N-1 ${(mem - largest).toFixed(0)}) peak CPU ${peakGhz.toFixed(0)}/${ghz.toFixed(0)} GHz (N-1 ${(ghz - largestGhz).toFixed(0)})\n`,
  );
}
