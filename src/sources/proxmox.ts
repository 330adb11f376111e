import { compact, isRecord, jsonType, numeric, own, str } from './json-access';
import { contentId } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { proxmoxGuestId, proxmoxNodeId } from './scoped-id';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';

const RESOURCE_TYPES = new Set(['node', 'storage', 'pool', 'qemu', 'lxc', 'openvz', 'sdn', 'network']);

function isResource(v: unknown): boolean {
  const type = own(v, 'type');
  return typeof type === 'string' && RESOURCE_TYPES.has(type) && typeof own(v, 'id') === 'string';
}

/** The API answer `{"data": [...]}`, a bare array of resources, or one resource. */
export function looksProxmox(value: unknown): boolean {
  const data = isRecord(value) ? own(value, 'data') : value;
  if (Array.isArray(data)) return data.length > 0 && data.every((item) => isRecord(item)) && data.some(isResource);
  return isResource(value);
}

const MiB = 1024 * 1024;
const GUEST_POWER: Record<string, 'poweredOn' | 'poweredOff' | 'suspended'> = {
  running: 'poweredOn',
  stopped: 'poweredOff',
  paused: 'suspended',
  suspended: 'suspended',
};

/**
 * `/cluster/resources` is a snapshot without a timestamp. The time comes from a top-level `time` next to
 * `data` (how `hyperaudit` captures it), else the caller's snapshot time (the file's mtime) — never the clock.
 * A top-level `cluster` (the cluster name from `/cluster/status`, which `hyperaudit collect proxmox` writes)
 * scopes every id by it (`pve:<cluster>/node/<node>`, `pve:<cluster>/qemu/100`), as the collector does, so
 * two clusters' `qemu/100` never merge. Without it ids stay bare (node names, `qemu/100`), as before.
 */
export function normaliseProxmox(value: unknown, loc: RecordLocation, opts: NormaliseOptions = {}): Outcomes {
  const wrapper = isRecord(value) && own(value, 'data') !== undefined ? value : undefined;
  const items: unknown = wrapper ? own(wrapper, 'data') : value;
  const list = Array.isArray(items) ? items : [items];
  const rawTime = wrapper ? own(wrapper, 'time') : undefined;
  const time = rfc3339(rawTime) ?? opts.snapshotTime;
  const rawCluster = wrapper ? own(wrapper, 'cluster') : undefined;
  if (rawCluster !== undefined && (typeof rawCluster !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(rawCluster))) {
    return [rejected('proxmox', loc, 'cluster must be a Proxmox cluster name (letters, digits, . _ -)', 'cluster')];
  }
  const scope: Scope = typeof rawCluster === 'string' ? { cluster: rawCluster } : {};
  if (!time) {
    return [rejected('proxmox', loc, '/cluster/resources carries no time: wrap it as {"time": "<RFC 3339>", "data": [...]}', 'time')];
  }
  if (!Array.isArray(items)) return normaliseResource(items, loc, time, undefined, scope);
  return list.flatMap((item, i) => normaliseResource(item, { ...loc, record: `${loc.record ? `${loc.record} ` : ''}data[${i}]` }, time, i, scope));
}

interface Scope {
  cluster?: string;
}
const nodeId = (scope: Scope, node: string) => (scope.cluster === undefined ? node : proxmoxNodeId(scope.cluster, node));
const guestId = (scope: Scope, id: string) => (scope.cluster === undefined ? id : proxmoxGuestId(scope.cluster, id));

const STRING_FIELDS = ['name', 'node', 'status', 'tags', 'pool', 'hastate'];
const NUMBER_FIELDS = ['maxcpu', 'maxmem', 'vmid'];

function normaliseResource(item: unknown, loc: RecordLocation, time: string, i: number | undefined, scope: Scope): Outcomes {
  const f = (name: string) => (i === undefined ? name : `data.${i}.${name}`);
  if (!isRecord(item)) return [rejected('proxmox', loc, `resource must be an object, got ${jsonType(item)}`, i === undefined ? undefined : `data.${i}`)];
  for (const k of STRING_FIELDS) {
    const v = own(item, k);
    if (v !== undefined && v !== null && typeof v !== 'string') return [rejected('proxmox', loc, `${k} must be a string, got ${jsonType(v)}`, f(k))];
  }
  for (const k of NUMBER_FIELDS) {
    const v = own(item, k);
    if (v !== undefined && v !== null && typeof v !== 'number') return [rejected('proxmox', loc, `${k} must be a number, got ${jsonType(v)}`, f(k))];
  }
  const type = own(item, 'type');
  if (typeof type !== 'string') return [rejected('proxmox', loc, `type must be a string, got ${jsonType(type)}`, f('type'))];
  const id = own(item, 'id');
  if (typeof id !== 'string' || id === '') return [rejected('proxmox', loc, `id must be a string, got ${jsonType(id)}`, f('id'))];
  const make = (evType: string, body: Record<string, unknown>) =>
    emit('proxmox', loc, { id: contentId('proxmox', { time, body }), time, type: evType, source: 'proxmox', ...body });
  const maxmem = numeric(own(item, 'maxmem'));
  if (type === 'node') {
    const node = str(own(item, 'node')) ?? id.replace(/^node\//, '');
    const status = str(own(item, 'status'));
    return [
      make('host.upsert', {
        host: compact({
          id: nodeId(scope, node),
          name: node,
          cluster: scope.cluster,
          hypervisor: { vendor: 'proxmox' },
          memoryMiB: maxmem !== undefined && maxmem >= 0 ? Math.round(maxmem / MiB) : undefined,
          connectionState: status === 'online' ? 'connected' : status === 'offline' ? 'disconnected' : undefined,
        }),
      }),
    ];
  }
  if (type === 'qemu' || type === 'lxc') {
    const status = str(own(item, 'status'));
    const maxcpu = numeric(own(item, 'maxcpu'));
    const tags = str(own(item, 'tags'));
    const labelEntries: [string, string | boolean][] = [['kind', type]];
    const pool = str(own(item, 'pool'));
    if (pool) labelEntries.push(['pool', pool]);
    const ha = str(own(item, 'hastate'));
    if (ha) labelEntries.push(['hastate', ha]);
    if (own(item, 'template') === 1 || own(item, 'template') === true) labelEntries.push(['template', true]);
    for (const t of tags?.split(/[;,\s]+/).filter(Boolean) ?? []) labelEntries.push([`tag:${t}`, true]);
    return [
      make('vm.upsert', {
        vm: compact({
          id: guestId(scope, id),
          name: str(own(item, 'name')),
          hostId: ((node) => (node === undefined ? undefined : nodeId(scope, node)))(str(own(item, 'node'))),
          cluster: scope.cluster,
          vcpus: maxcpu !== undefined && Number.isInteger(maxcpu) && maxcpu > 0 ? maxcpu : undefined,
          memoryMiB: maxmem !== undefined && maxmem >= 0 ? Math.round(maxmem / MiB) : undefined,
          powerState: status ? GUEST_POWER[status] : undefined,
          labels: Object.fromEntries(labelEntries),
        }),
      }),
    ];
  }
  return [ignored('proxmox', loc, `proxmox ${type} resource`)];
}

