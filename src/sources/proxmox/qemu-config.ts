import { isRecord, own } from '../json-access';
import { ProxmoxShapeError } from './node-status';

/** What hyperaudit keeps from `GET /nodes/{node}/qemu/{vmid}/config` (the guest's qemu-server config). */
export interface QemuConfig {
  name?: string;
  vcpus?: number;
  memoryMiB?: number;
  nics: { network: string; adapter: string; firewall: boolean }[];
  disks: { controller: 'ide' | 'sata' | 'scsi' | 'virtio' }[];
  hostDevices: { type: string; address?: string }[];
  args?: string;
  agent: boolean;
  firewall: boolean;
  tpm: boolean;
  firmware: { type: 'bios' | 'efi'; secureBoot: boolean };
  memballoon: string;
}

/** `model=value,key=value` property strings: `virtio=BC:24:...,bridge=vmbr0,firewall=1`. */
function properties(raw: string): { first?: [string, string]; map: Map<string, string> } {
  const map = new Map<string, string>();
  let first: [string, string] | undefined;
  for (const part of raw.split(',')) {
    const i = part.indexOf('=');
    const k = i < 0 ? part : part.slice(0, i);
    const v = i < 0 ? '' : part.slice(i + 1);
    first ??= [k, v];
    if (!map.has(k)) map.set(k, v);
  }
  return { ...(first && { first }), map };
}

const on = (v: string | undefined) => v === '1' || v === 'on' || v === 'yes' || v === 'true';
const DISK = /^(ide|sata|scsi|virtio)(\d{1,2})$/;
const NET = /^net(\d{1,2})$/;
const HOSTPCI = /^hostpci(\d{1,2})$/;
const USB = /^usb(\d{1,2})$/;

function intOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Parses a qemu-server config as the API returns it (values are strings or numbers). */
export function parseQemuConfig(data: unknown): QemuConfig {
  if (!isRecord(data)) throw new ProxmoxShapeError('qemu config is not an object', 'data');
  const str = (k: string): string | undefined => {
    const v = own(data, k);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  };
  const nics: QemuConfig['nics'] = [];
  const disks: QemuConfig['disks'] = [];
  const hostDevices: QemuConfig['hostDevices'] = [];
  for (const key of Object.keys(data).sort()) {
    const raw = str(key);
    if (raw === undefined) continue;
    if (NET.test(key)) {
      const p = properties(raw);
      // The model is the first key (`virtio=MAC`), or `model=` in the long form.
      const adapter = p.map.get('model') ?? p.first?.[0] ?? 'unknown';
      nics.push({ network: p.map.get('bridge') ?? 'user', adapter, firewall: on(p.map.get('firewall')) });
      continue;
    }
    const disk = DISK.exec(key);
    if (disk) {
      const p = properties(raw);
      if (p.map.get('media') === 'cdrom' || p.first?.[0] === 'none' || p.first?.[0] === 'cdrom') continue;
      disks.push({ controller: disk[1] as QemuConfig['disks'][number]['controller'] });
      continue;
    }
    if (HOSTPCI.test(key)) {
      const p = properties(raw);
      hostDevices.push({
        type: p.map.get('mapping') !== undefined ? 'pci-mapping' : 'pci',
        address: (p.map.get('host') ?? p.first?.[0] ?? '').slice(0, 128),
      });
      continue;
    }
    if (USB.test(key)) {
      const p = properties(raw);
      const host = p.map.get('host');
      if (host !== undefined && host !== 'spice') hostDevices.push({ type: 'usb', address: host.slice(0, 128) });
    }
  }
  const sockets = intOf(own(data, 'sockets')) ?? 1;
  const cores = intOf(own(data, 'cores')) ?? 1;
  const vcpus = intOf(own(data, 'vcpus')) ?? sockets * cores;
  const memory = intOf(own(data, 'memory'));
  const agent = str('agent');
  const efidisk = str('efidisk0');
  const balloon = str('balloon');
  const args = str('args');
  const name = str('name');
  return {
    ...(name !== undefined && { name: name.slice(0, 4096) }),
    vcpus,
    ...(memory !== undefined && { memoryMiB: memory }),
    nics,
    disks,
    hostDevices,
    ...(args !== undefined && { args: args.slice(0, 4096) }),
    agent: agent !== undefined && (on(agent) || on(properties(agent).map.get('enabled')) || agent.startsWith('1,')),
    firewall: nics.some((n) => n.firewall),
    tpm: str('tpmstate0') !== undefined,
    firmware: {
      type: str('bios') === 'ovmf' ? 'efi' : 'bios',
      secureBoot:
        str('bios') === 'ovmf' && efidisk !== undefined && on(properties(efidisk).map.get('pre-enrolled-keys')),
    },
    // `balloon: 0` turns the balloon device off; unset keeps it (virtio-balloon).
    memballoon: balloon === '0' ? 'none' : 'virtio',
  };
}
