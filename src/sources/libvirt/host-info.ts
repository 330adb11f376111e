import { child, children, parseXml, text, XmlInputError } from './xml';

/** Host facts from `virsh nodeinfo`, `virsh capabilities` and `virsh version`. */
export interface HostInfo {
  cpu: { sockets: number; coresPerSocket: number; threadsPerCore: number; mhz: number };
  memoryMiB: number;
  cpuModel?: string;
  /** `<host><uuid>` (SMBIOS system UUID). */
  uuid?: string;
  securityModels: string[];
  hypervisorVersion?: string;
  libvirtVersion?: string;
}

function field(lines: Map<string, string>, key: string, what: string): number {
  const raw = lines.get(key);
  const m = raw === undefined ? null : /^(\d+)/.exec(raw);
  if (!m) throw new XmlInputError(`${what}: no numeric "${key}" line`);
  return Number(m[1]);
}

/**
 * `virsh nodeinfo`. Its sockets are per NUMA cell (virNodeInfo), so the host's sockets are cells × sockets;
 * when that does not multiply out to the CPU count (libvirt's "unusual NUMA topology" case) the host is taken
 * as one socket of CPUs/threads cores.
 */
export function parseNodeinfo(out: string, what = 'virsh nodeinfo'): Pick<HostInfo, 'cpu' | 'memoryMiB' | 'cpuModel'> {
  const lines = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) lines.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const cpus = field(lines, 'CPU(s)', what);
  const mhz = field(lines, 'CPU frequency', what);
  const perCell = field(lines, 'CPU socket(s)', what);
  const cores = field(lines, 'Core(s) per socket', what);
  const threads = field(lines, 'Thread(s) per core', what);
  const cells = field(lines, 'NUMA cell(s)', what);
  const memKiB = field(lines, 'Memory size', what);
  if (cpus < 1 || mhz < 1 || cores < 1 || threads < 1)
    throw new XmlInputError(`${what}: CPU topology with a zero count`);
  const sockets = Math.max(1, cells) * Math.max(1, perCell);
  const regular = sockets * cores * threads === cpus;
  const model = lines.get('CPU model');
  return {
    cpu: regular
      ? { sockets, coresPerSocket: cores, threadsPerCore: threads, mhz }
      : { sockets: 1, coresPerSocket: Math.max(1, Math.floor(cpus / threads)), threadsPerCore: threads, mhz },
    memoryMiB: Math.round(memKiB / 1024),
    ...(model !== undefined && model !== '' && { cpuModel: model }),
  };
}

/** `virsh capabilities`: the host's CPU model, SMBIOS UUID and active security drivers (`<secmodel>`). */
export function parseCapabilities(
  xml: string,
  what = 'virsh capabilities',
): Pick<HostInfo, 'uuid' | 'cpuModel' | 'securityModels'> {
  const caps = child(parseXml(xml, what), 'capabilities');
  const host = child(caps, 'host');
  if (!host) throw new XmlInputError(`${what}: no <capabilities><host> element`);
  const uuid = text(child(host, 'uuid'));
  const model = text(child(child(host, 'cpu'), 'model'));
  const securityModels = children(host, 'secmodel')
    .map((s) => text(child(s, 'model')))
    .filter((m): m is string => m !== undefined);
  return {
    ...(uuid && { uuid }),
    ...(model && { cpuModel: model }),
    securityModels: securityModels.length > 0 ? securityModels : ['none'],
  };
}

/** `virsh version`: "Running hypervisor: QEMU 8.2.2" and "Using library: libvirt 10.0.0". */
export function parseVersion(out: string): Pick<HostInfo, 'hypervisorVersion' | 'libvirtVersion'> {
  const hv = /^Running hypervisor:\s*(.+?)\s*$/m.exec(out)?.[1];
  const lib = /^Using library:\s*(.+?)\s*$/m.exec(out)?.[1];
  return { ...(hv && { hypervisorVersion: hv }), ...(lib && { libvirtVersion: lib }) };
}
