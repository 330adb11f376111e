import type { Host } from '../../model/host';
import type { ObjectContent } from './property-collector';
import { ancestor, refKey, type Topology } from './topology';
import { optionValues } from './typed-value';
import { child, childBool, childNumber, childText, children, moRef, text, type XmlValue } from './xml';

/**
 * HostSystem properties read (vSphere API reference, HostSystem / HostConfigInfo / HostListSummary). Advanced
 * settings come from each host's OptionManager (`configManager.advancedOption`, property `setting`), reached in the
 * same RetrievePropertiesEx by a traversal, because `config.option` is empty on vCenter-managed hosts.
 */
export const HOST_PATHS = [
  'name',
  'parent',
  'summary.hardware',
  'config.product',
  'runtime.connectionState',
  'runtime.inMaintenanceMode',
  'config.network.pnic',
  'config.network.vswitch',
  'config.network.portgroup',
  'config.service',
  'config.lockdownMode',
  'config.dateTimeInfo',
  'configManager.advancedOption',
  'capability.tpmSupported',
  'summary.tpmAttestation',
] as const;

export const HOST_OPTIONS_HOP = {
  name: 'hostOptions',
  type: 'HostSystem',
  path: 'configManager.advancedOption',
} as const;
export const OPTION_PATHS = ['setting'] as const;

const LOCKDOWN: Record<string, Host['lockdownMode']> = {
  lockdownDisabled: 'disabled',
  lockdownNormal: 'normal',
  lockdownStrict: 'strict',
};

/** Any standard vSwitch or port group allowing it; a port group's own policy overrides its switch's. */
function securityAllowed(
  vswitches: XmlValue | undefined,
  portgroups: XmlValue | undefined,
  flag: string,
): boolean | undefined {
  const values: boolean[] = [];
  for (const vs of children(vswitches, 'HostVirtualSwitch')) {
    const v = childBool(vs, 'spec', 'policy', 'security', flag);
    if (v !== undefined) values.push(v);
  }
  for (const pg of children(portgroups, 'HostPortGroup')) {
    const v = childBool(pg, 'spec', 'policy', 'security', flag);
    if (v !== undefined) values.push(v);
  }
  return values.length === 0 ? undefined : values.some((v) => v);
}

function cpu(hw: XmlValue | undefined): Host['cpu'] | undefined {
  const sockets = childNumber(hw, 'numCpuPkgs');
  const cores = childNumber(hw, 'numCpuCores');
  const threads = childNumber(hw, 'numCpuThreads');
  const mhz = childNumber(hw, 'cpuMhz');
  if (!sockets || !cores || !mhz) return undefined;
  return {
    sockets,
    coresPerSocket: Math.max(1, Math.round(cores / sockets)),
    ...(threads && { threadsPerCore: Math.max(1, Math.round(threads / cores)) }),
    mhz,
  };
}

export interface MappedHost {
  moref: string;
  host: Host;
}

export function mapHost(
  o: ObjectContent,
  options: Map<string, ObjectContent>,
  topology: Topology,
  scoped: (moref: string) => string,
  vcenter: string,
): MappedHost {
  const p = (name: string) => o.props.get(name);
  const parent = moRef(p('parent'));
  const parentKey = parent ? refKey(parent) : undefined;
  const cluster = ancestor(topology, parentKey, 'ClusterComputeResource');
  const datacenter = ancestor(topology, parentKey, 'Datacenter');
  const hw = p('summary.hardware');
  const memory = childNumber(hw, 'memorySize');
  const optRef = moRef(p('configManager.advancedOption'));
  const advanced = optRef ? optionValues(options.get(refKey(optRef))?.props.get('setting')) : {};
  const vswitch = p('config.network.vswitch');
  const portgroup = p('config.network.portgroup');
  for (const [flag, key] of [
    ['allowPromiscuous', 'vSwitch.allowPromiscuous'],
    ['macChanges', 'vSwitch.allowMacChanges'],
    ['forgedTransmits', 'vSwitch.allowForgedTransmits'],
  ] as const) {
    const allowed = securityAllowed(vswitch, portgroup, flag);
    if (allowed !== undefined) advanced[key] = allowed;
  }
  const services: NonNullable<Host['services']> = {};
  for (const s of children(p('config.service'), 'service')) {
    const key = childText(s, 'key');
    const running = childBool(s, 'running');
    if (key && running !== undefined && key !== '__proto__')
      services[key] = { running, ...(childText(s, 'policy') && { policy: childText(s, 'policy')! }) };
  }
  const ntpServers = children(child(p('config.dateTimeInfo'), 'ntpConfig'), 'server')
    .map((s) => text(s))
    .filter((s): s is string => !!s);
  const logHost = advanced['Syslog.global.logHost'];
  const syslogHosts =
    typeof logHost === 'string'
      ? logHost
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : undefined;
  const attestation = childText(p('summary.tpmAttestation'), 'status');
  const tpmSupported = childBool(p('capability.tpmSupported'));
  const nics = children(p('config.network.pnic'), 'PhysicalNic')
    .map((n) => ({ id: childText(n, 'device') ?? '', speedMbps: childNumber(n, 'linkSpeed', 'speedMb') ?? 0 }))
    .filter((n) => n.id);
  const connection = text(p('runtime.connectionState'));
  const lockdown = LOCKDOWN[text(p('config.lockdownMode')) ?? ''];
  const host: Host = {
    id: scoped(o.obj.value),
    name: text(p('name')) ?? o.obj.value,
    ...(datacenter && { datacenter: datacenter.name }),
    ...(cluster && { cluster: cluster.name }),
    hypervisor: {
      vendor: 'vmware',
      ...(childText(p('config.product'), 'version') && { version: childText(p('config.product'), 'version')! }),
      ...(childText(p('config.product'), 'build') && { build: childText(p('config.product'), 'build')! }),
    },
    ...(cpu(hw) && { cpu: cpu(hw)! }),
    ...(memory !== undefined && { memoryMiB: Math.round(memory / 1048576) }),
    ...(nics.length > 0 && { nics }),
    ...(Object.keys(advanced).length > 0 && { settings: advanced }),
    ...(Object.keys(services).length > 0 && { services }),
    ...(lockdown && { lockdownMode: lockdown }),
    // A TPM attestation is only `accepted` when the host booted with UEFI Secure Boot and its TPM 2.0 verified it.
    ...(attestation === 'accepted' && { secureBoot: true, tpm: true }),
    ...(attestation !== 'accepted' && tpmSupported !== undefined && { tpm: tpmSupported }),
    ...(p('config.dateTimeInfo') !== undefined && { ntpServers }),
    ...(syslogHosts && { syslogHosts }),
    ...(connection === 'connected' || connection === 'disconnected' || connection === 'notResponding'
      ? { connectionState: connection }
      : {}),
    ...(childBool(p('runtime.inMaintenanceMode')) !== undefined && {
      maintenanceMode: childBool(p('runtime.inMaintenanceMode'))!,
    }),
    labels: { vcenter, moref: o.obj.value },
  };
  return { moref: o.obj.value, host };
}
