import { attr, child, children, parseXml, text, XmlInputError, type XmlNode } from './xml';

export type DiskBus = 'ide' | 'sata' | 'scsi' | 'virtio' | 'nvme';

/** What hyperaudit keeps from one `virsh dumpxml`; see https://libvirt.org/formatdomain.html. */
export interface DomainConfig {
  uuid: string;
  name: string;
  vcpus?: number;
  memoryMiB?: number;
  /** Guest disks (`device='disk'`) on a bus the model knows; CD-ROMs and floppies are left out. */
  disks: { bus: DiskBus; target?: string }[];
  nics: { network: string; model?: string; passthrough: boolean }[];
  graphics: {
    type: string;
    listenType?: 'address' | 'network' | 'socket' | 'none';
    listen?: string;
    defaultMode?: string;
  }[];
  securityLabels: { model?: string; type: 'dynamic' | 'static' | 'none' }[];
  hostDevices: { type: string; address?: string }[];
  memballoon?: string;
  tpm: boolean;
  firmware: { type: 'bios' | 'efi'; secureBoot: boolean };
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DISK_BUSES = new Set<string>(['ide', 'sata', 'scsi', 'virtio', 'nvme']);

/** libvirt's scaled-integer units (formatdomain "Memory Allocation"), as bytes. */
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1e3,
  k: 1024,
  kib: 1024,
  mb: 1e6,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1e9,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1e12,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

export function memoryMiB(node: XmlNode | undefined, defaultUnit = 'KiB'): number | undefined {
  const raw = text(node);
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const unit = UNIT_BYTES[(attr(node, 'unit') ?? defaultUnit).toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round((Number(raw) * unit) / 1024 ** 2);
}

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

/** Parses `virsh dumpxml` output. Throws XmlInputError naming the domain and field when it is not a domain. */
export function parseDomainXml(xml: string, what: string): DomainConfig {
  const root = parseXml(xml, what);
  const domain = child(root, 'domain');
  if (!domain) throw new XmlInputError(`${what}: no <domain> element`);
  const uuid = text(child(domain, 'uuid'));
  if (!uuid || !UUID.test(uuid)) throw new XmlInputError(`${what}: <uuid> missing or not a UUID`);
  const name = text(child(domain, 'name'));
  if (!name) throw new XmlInputError(`${what}: <name> missing`);
  const vcpu = child(domain, 'vcpu');
  const devices = child(domain, 'devices');
  const memballoon = children(devices, 'memballoon')[0];
  return {
    uuid: uuid.toLowerCase(),
    name,
    vcpus: positiveInt(attr(vcpu, 'current')) ?? positiveInt(text(vcpu)),
    memoryMiB: memoryMiB(child(domain, 'currentMemory')) ?? memoryMiB(child(domain, 'memory')),
    disks: disks(devices),
    nics: children(devices, 'interface').map(nic),
    graphics: children(devices, 'graphics').map(graphics),
    securityLabels: children(domain, 'seclabel').map((s) => {
      const type = attr(s, 'type');
      const model = attr(s, 'model');
      // Without a type the security driver's default applies, which is dynamic labelling for selinux/apparmor.
      return { ...(model !== undefined && { model }), type: type === 'none' || type === 'static' ? type : 'dynamic' };
    }),
    hostDevices: children(devices, 'hostdev').map(hostDevice),
    ...(memballoon && { memballoon: attr(memballoon, 'model') ?? 'default' }),
    tpm: children(devices, 'tpm').length > 0,
    firmware: firmware(child(domain, 'os')),
  };
}

function disks(devices: XmlNode | undefined): DomainConfig['disks'] {
  const out: DomainConfig['disks'] = [];
  for (const d of children(devices, 'disk')) {
    if ((attr(d, 'device') ?? 'disk') !== 'disk') continue;
    const target = child(d, 'target');
    const bus = attr(target, 'bus');
    const dev = attr(target, 'dev');
    if (bus !== undefined && DISK_BUSES.has(bus))
      out.push({ bus: bus as DiskBus, ...(dev !== undefined && { target: dev }) });
  }
  return out;
}

function nic(i: XmlNode): DomainConfig['nics'][number] {
  const type = attr(i, 'type') ?? 'unknown';
  const source = child(i, 'source');
  const model = attr(child(i, 'model'), 'type');
  const network = attr(source, 'network') ?? attr(source, 'bridge') ?? attr(source, 'dev') ?? type;
  return { network, ...(model !== undefined && { model }), passthrough: type === 'hostdev' };
}

function graphics(g: XmlNode): DomainConfig['graphics'][number] {
  const type = attr(g, 'type') ?? 'unknown';
  const defaultMode = attr(g, 'defaultMode');
  const base = { type, ...(defaultMode !== undefined && { defaultMode }) };
  const listen = children(g, 'listen')[0];
  const listenType = attr(listen, 'type');
  if (attr(g, 'socket') !== undefined || listenType === 'socket') return { ...base, listenType: 'socket' };
  if (listenType === 'none') return { ...base, listenType: 'none' };
  const address = attr(listen, 'address') ?? attr(g, 'listen');
  if (listenType === 'network')
    return { ...base, listenType: 'network', ...(address !== undefined && { listen: address }) };
  if (address !== undefined) return { ...base, listenType: 'address', listen: address };
  // No listen at all: qemu.conf's vnc_listen/spice_listen decide.
  return base;
}

function hostDevice(h: XmlNode): DomainConfig['hostDevices'][number] {
  const type = attr(h, 'type') ?? attr(h, 'mode') ?? 'unknown';
  const source = child(h, 'source');
  const a = child(source, 'address');
  if (type === 'pci' && a) {
    const hex = (k: string, width: number) =>
      (attr(a, k) ?? '0').replace(/^0x/i, '').padStart(width, '0').slice(-width);
    return {
      type,
      address: `${hex('domain', 4)}:${hex('bus', 2)}:${hex('slot', 2)}.${(attr(a, 'function') ?? '0').replace(/^0x/i, '')}`,
    };
  }
  const vendor = attr(child(source, 'vendor'), 'id');
  const product = attr(child(source, 'product'), 'id');
  if (vendor !== undefined && product !== undefined) return { type, address: `${vendor}:${product}` };
  return { type };
}

function firmware(os: XmlNode | undefined): DomainConfig['firmware'] {
  const loader = child(os, 'loader');
  const efi =
    attr(os, 'firmware') === 'efi' || attr(loader, 'type') === 'pflash' || /ovmf|edk2|aavmf/i.test(text(loader) ?? '');
  const features = children(child(os, 'firmware'), 'feature');
  const secureFeature = features.find((f) => attr(f, 'name') === 'secure-boot');
  const secureBoot =
    attr(loader, 'secure') === 'yes' || (secureFeature !== undefined && attr(secureFeature, 'enabled') === 'yes');
  return { type: efi ? 'efi' : 'bios', secureBoot: efi && secureBoot };
}
