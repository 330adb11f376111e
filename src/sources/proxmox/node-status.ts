import { isRecord, own } from '../json-access';

/** What hyperaudit keeps from `GET /nodes/{node}/status` (https://pve.proxmox.com/pve-docs/api-viewer/#/nodes/{node}/status). */
export interface NodeStatus {
  cpu: { sockets: number; coresPerSocket: number; threadsPerCore?: number; mhz: number };
  cpuModel?: string;
  memoryMiB?: number;
  kernelVersion?: string;
  /** `pve-manager/8.2.4/faa83925` → version 8.2.4, build the whole string. */
  pveVersion?: { version: string; build: string };
}

export class ProxmoxShapeError extends Error {
  override readonly name = 'ProxmoxShapeError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * PVE's `cpuinfo`: `cpus` logical CPUs, `sockets`, and `cores` = physical cores over all sockets (absent
 * before PVE 6); `mhz` is a string. Without `cores` the threads per core are unknown and every logical CPU
 * counts as a core, which overstates capacity for hyper-threaded hosts (the vCPU:core ratio reads low).
 */
export function parseNodeStatus(data: unknown): NodeStatus {
  if (!isRecord(data)) throw new ProxmoxShapeError('node status is not an object', 'data');
  const info = own(data, 'cpuinfo');
  if (!isRecord(info)) throw new ProxmoxShapeError('node status has no cpuinfo object', 'data.cpuinfo');
  const cpus = count(own(info, 'cpus'));
  const sockets = count(own(info, 'sockets')) ?? 1;
  const cores = count(own(info, 'cores'));
  const mhz = count(own(info, 'mhz'));
  if (cpus === undefined || !Number.isInteger(cpus))
    throw new ProxmoxShapeError('cpuinfo.cpus is not a positive integer', 'data.cpuinfo.cpus');
  if (mhz === undefined) throw new ProxmoxShapeError('cpuinfo.mhz is not a positive number', 'data.cpuinfo.mhz');
  const physical =
    cores !== undefined && Number.isInteger(cores) && cores <= cpus && cores % sockets === 0 ? cores : undefined;
  const coresPerSocket = Math.max(1, Math.floor((physical ?? cpus) / sockets));
  const threads = physical !== undefined && cpus % physical === 0 ? cpus / physical : undefined;
  const model = own(info, 'model');
  const memory = own(data, 'memory');
  const total = isRecord(memory) ? count(own(memory, 'total')) : undefined;
  const kversion = own(data, 'kversion');
  const pve = own(data, 'pveversion');
  const pveMatch = typeof pve === 'string' ? /^pve-manager\/([^/\s]+)/.exec(pve) : null;
  return {
    cpu: { sockets, coresPerSocket, ...(threads !== undefined && { threadsPerCore: threads }), mhz: Math.round(mhz) },
    ...(typeof model === 'string' &&
      model.trim() !== '' && { cpuModel: model.replace(/\s+/g, ' ').trim().slice(0, 256) }),
    ...(total !== undefined && { memoryMiB: Math.round(total / 1024 / 1024) }),
    ...(typeof kversion === 'string' && kversion !== '' && { kernelVersion: kversion.slice(0, 256) }),
    ...(pveMatch &&
      typeof pve === 'string' && { pveVersion: { version: pveMatch[1]!.slice(0, 128), build: pve.slice(0, 128) } }),
  };
}
