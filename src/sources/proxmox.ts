import { compact, isRecord, jsonType, numeric, own, str } from './json-access';
import { contentId } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { proxmoxGuestId, proxmoxNodeId } from './scoped-id';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';
import type { Scope } from '../model/event';
import { inventorySnapshotOutcomes } from './inventory-snapshot';

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
  if (!time) {
    return [
      rejected(
        'proxmox',
        loc,
        '/cluster/resources carries no time: wrap it as {"time": "<RFC 3339>", "data": [...]}',
        'time',
      ),
    ];
  }
  // Full snapshots (issue 21): the wrapper's `cluster` names the scope the answer covers whole.
  const cluster = wrapper ? own(wrapper, 'cluster') : undefined;
  if (cluster !== undefined && (typeof cluster !== 'string' || cluster === '' || cluster.length > 512)) {
    return [
      rejected(
        'proxmox',
        loc,
        `cluster must be a non-empty string of at most 512 characters, got ${jsonType(cluster)}`,
        'cluster',
      ),
    ];
  }
  const scope: Scope | undefined = cluster === undefined ? undefined : { source: 'proxmox', instance: cluster };
  if (!Array.isArray(items)) return normaliseResource(items, loc, time, undefined, scope);
  const out = list.flatMap((item, i) =>
    normaliseResource(item, { ...loc, record: `${loc.record ? `${loc.record} ` : ''}data[${i}]` }, time, i, scope),
  );
  if (scope)
    out.push(
      ...inventorySnapshotOutcomes(
        'proxmox',
        { ...loc, record: `${loc.record ? `${loc.record} ` : ''}data` },
        scope,
        time,
        clusterMembers(list, scope),
      ),
    );
  return out;
}

/**
 * Who the answer lists. An answer filtered by `?type=` holds one kind only, so a kind is stated only when one of
 * its resources is present, or (guests) when nodes and storage both are: the unfiltered answer, which may have
 * no guest at all. A resource whose id cannot be read makes its kind's list unknown rather than short.
 */
function clusterMembers(list: unknown[], scope: Scope): { hosts?: string[]; vms?: string[] } {
  const hosts: string[] = [];
  const vms: string[] = [];
  let badHost = false;
  let badVm = false;
  let storage = false;
  for (const item of list) {
    const type = own(item, 'type');
    const id = own(item, 'id');
    if (type === 'storage') storage = true;
    if (type === 'node') {
      const node = own(item, 'node') ?? (typeof id === 'string' ? id.replace(/^node\//, '') : undefined);
      if (typeof node === 'string' && node !== '') hosts.push(nodeId(scope, node));
      else badHost = true;
    } else if (type === 'qemu' || type === 'lxc') {
      if (typeof id === 'string' && id !== '') vms.push(guestId(scope, id));
      else badVm = true;
    }
  }
  const nodes = hosts.length > 0 || badHost;
  return {
    ...(nodes && !badHost && { hosts }),
    ...((vms.length > 0 || badVm || (nodes && storage)) && !badVm && { vms }),
  };
}

/** Ids scoped by the cluster when the capture names it (issue 15 item 1), bare as before otherwise. */
const nodeId = (scope: Scope | undefined, node: string) =>
  scope === undefined ? node : proxmoxNodeId(scope.instance, node);
const guestId = (scope: Scope | undefined, id: string) =>
  scope === undefined ? id : proxmoxGuestId(scope.instance, id);

const STRING_FIELDS = ['name', 'node', 'status', 'tags', 'pool', 'hastate'];
const NUMBER_FIELDS = ['maxcpu', 'maxmem', 'vmid'];

function normaliseResource(
  item: unknown,
  loc: RecordLocation,
  time: string,
  i: number | undefined,
  scope: Scope | undefined,
): Outcomes {
  const f = (name: string) => (i === undefined ? name : `data.${i}.${name}`);
  if (!isRecord(item))
    return [
      rejected(
        'proxmox',
        loc,
        `resource must be an object, got ${jsonType(item)}`,
        i === undefined ? undefined : `data.${i}`,
      ),
    ];
  for (const k of STRING_FIELDS) {
    const v = own(item, k);
    if (v !== undefined && v !== null && typeof v !== 'string')
      return [rejected('proxmox', loc, `${k} must be a string, got ${jsonType(v)}`, f(k))];
  }
  for (const k of NUMBER_FIELDS) {
    const v = own(item, k);
    if (v !== undefined && v !== null && typeof v !== 'number')
      return [rejected('proxmox', loc, `${k} must be a number, got ${jsonType(v)}`, f(k))];
  }
  const type = own(item, 'type');
  if (typeof type !== 'string')
    return [rejected('proxmox', loc, `type must be a string, got ${jsonType(type)}`, f('type'))];
  const id = own(item, 'id');
  if (typeof id !== 'string' || id === '')
    return [rejected('proxmox', loc, `id must be a string, got ${jsonType(id)}`, f('id'))];
  // A resource states whole the fields whose keys it carries; labels are not claimed (other producers add some).
  const make = (evType: string, body: Record<string, unknown>, covered: [string, boolean][]) => {
    const fields = covered.filter(([, present]) => present).map(([f]) => f);
    const whole = { ...(fields.length > 0 && { complete: { fields } }), ...(scope && { scope }) };
    return emit('proxmox', loc, {
      id: contentId('proxmox', { time, body, ...whole }),
      time,
      type: evType,
      source: 'proxmox',
      ...body,
      ...whole,
    });
  };
  const has = (k: string) => own(item, k) !== undefined && own(item, k) !== null;
  const maxmem = numeric(own(item, 'maxmem'));
  if (type === 'node') {
    const node = str(own(item, 'node')) ?? id.replace(/^node\//, '');
    const status = str(own(item, 'status'));
    return [
      make(
        'host.upsert',
        {
          host: compact({
            id: nodeId(scope, node),
            name: node,
            cluster: scope?.instance,
            hypervisor: { vendor: 'proxmox' },
            memoryMiB: maxmem !== undefined && maxmem >= 0 ? Math.round(maxmem / MiB) : undefined,
            connectionState: status === 'online' ? 'connected' : status === 'offline' ? 'disconnected' : undefined,
          }),
        },
        [
          ['name', true],
          ['hypervisor', true],
          ['memoryMiB', has('maxmem')],
          ['connectionState', has('status')],
        ],
      ),
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
      make(
        'vm.upsert',
        {
          vm: compact({
            id: guestId(scope, id),
            name: str(own(item, 'name')),
            hostId: ((node) => (node === undefined ? undefined : nodeId(scope, node)))(str(own(item, 'node'))),
            cluster: scope?.instance,
            vcpus: maxcpu !== undefined && Number.isInteger(maxcpu) && maxcpu > 0 ? maxcpu : undefined,
            memoryMiB: maxmem !== undefined && maxmem >= 0 ? Math.round(maxmem / MiB) : undefined,
            powerState: status ? GUEST_POWER[status] : undefined,
            labels: Object.fromEntries(labelEntries),
          }),
        },
        [
          ['name', has('name')],
          ['hostId', has('node')],
          ['vcpus', has('maxcpu')],
          ['memoryMiB', has('maxmem')],
          ['powerState', has('status')],
        ],
      ),
    ];
  }
  return [ignored('proxmox', loc, `proxmox ${type} resource`)];
}
