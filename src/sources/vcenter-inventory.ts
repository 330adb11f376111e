import { compact, field, isRecord, jsonType, num, own, str, type JsonRecord } from './json-access';
import { contentId } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';
import type { Scope } from '../model/event';
import { inventorySnapshotOutcomes } from './inventory-snapshot';

/** The dump's fields each entity states whole when its record carries the source key (issue 21). */
function completeOf(record: unknown, fields: [field: string, key: string][]): { complete?: { fields: string[] } } {
  const present = fields
    .filter(([, key]) => field(record, key) !== undefined && field(record, key) !== null)
    .map(([f]) => f);
  return present.length > 0 ? { complete: { fields: present } } : {};
}
const HOST_WHOLE: [string, string][] = [
  ['name', 'Name'],
  ['cluster', 'ParentType'],
  ['hypervisor', 'Product'],
  ['cpu', 'NumCpuPkgs'],
  ['memoryMiB', 'MemorySize'],
  ['connectionState', 'ConnectionState'],
  ['maintenanceMode', 'InMaintenanceMode'],
];
const VM_WHOLE: [string, string][] = [
  ['name', 'Name'],
  ['hostId', 'Host'],
  ['powerState', 'PowerState'],
  ['guestOs', 'GuestId'],
  ['vcpus', 'NumCPU'],
  ['memoryMiB', 'MemoryMB'],
  ['datastore', 'Datastores'],
  ['nics', 'Networks'],
];

const PRIMITIVE_TYPES: Record<string, string> = {
  string: 'string',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  short: 'number',
  byte: 'number',
  double: 'number',
  float: 'number',
  dateTime: 'string',
};

/** A govmomi JSON data object that is not an event (VirtualMachineConfigInfo, RetrieveResult...). */
export function isGovmomiObject(value: unknown): boolean {
  return typeof own(value, '_typeName') === 'string';
}

/**
 * govmomi's decoder refuses a typed value whose `_value` does not match its `_typeName`; so do we, naming
 * the path. Iterative so hostile nesting depth cannot overflow the stack.
 */
function firstTypedValueError(root: unknown): { field: string; reason: string } | undefined {
  const stack: { v: unknown; path: string }[] = [{ v: root, path: '' }];
  let visited = 0;
  while (stack.length > 0 && visited++ < 1_000_000) {
    const { v, path } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}${path ? '.' : ''}${i}` });
      continue;
    }
    if (!isRecord(v)) continue;
    const t = own(v, '_typeName');
    if (typeof t === 'string' && Object.hasOwn(PRIMITIVE_TYPES, t) && own(v, '_value') !== undefined) {
      const got = jsonType(own(v, '_value'));
      if (got !== PRIMITIVE_TYPES[t]) {
        return {
          field: `${path}${path ? '.' : ''}_value`,
          reason: `_typeName ${t} needs a ${PRIMITIVE_TYPES[t]} _value, got ${got}`,
        };
      }
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push({ v: v[keys[i]!], path: `${path}${path ? '.' : ''}${keys[i]}` });
  }
  return undefined;
}

/**
 * Property values (a VM's config, a property-collector result) describe state but carry neither the VM's
 * MoRef nor an event time, so they cannot be ordered against events: well-formed ones are ignored by type.
 */
export function normaliseGovmomiObject(body: JsonRecord, loc: RecordLocation): Outcomes {
  const typeName = String(own(body, '_typeName'));
  const bad = firstTypedValueError(body);
  if (bad) return [rejected('vcenter', loc, `${typeName}: ${bad.reason}`, bad.field)];
  return [
    ignored('vcenter', loc, `${typeName} (vSphere data object, not an event: no MoRef or event time to place it)`),
  ];
}

/** The inventory dump our vcsim capture script writes (hosts/virtualMachines with Moref). */
export function isVcsimInventory(value: unknown): boolean {
  return isRecord(value) && Array.isArray(own(value, 'hosts')) && Array.isArray(own(value, 'virtualMachines'));
}

function parseProduct(product: string | undefined): { version?: string; build?: string } {
  const m = product ? /(\d+\.\d+(?:\.\d+)?)(?:.*?build-(\d+))?/.exec(product) : null;
  return m ? compact({ version: m[1], build: m[2] }) : {};
}

export function normaliseVcsimInventory(value: JsonRecord, loc: RecordLocation, opts: NormaliseOptions): Outcomes {
  const time = rfc3339(own(value, 'time')) ?? opts.snapshotTime;
  if (!time) {
    return [rejected('vcenter', loc, 'inventory dump carries no time: add a top-level "time" (RFC 3339)', 'time')];
  }
  // Full snapshots: an optional top-level `vcenter` (the server the dump was read from) names the scope.
  const vcenter = own(value, 'vcenter');
  if (vcenter !== undefined && (typeof vcenter !== 'string' || vcenter === '' || vcenter.length > 512)) {
    return [
      rejected(
        'vcenter',
        loc,
        `vcenter must be a non-empty string of at most 512 characters, got ${jsonType(vcenter)}`,
        'vcenter',
      ),
    ];
  }
  const scope: Scope | undefined = vcenter === undefined ? undefined : { source: 'vcenter', instance: vcenter };
  const scoped = scope ? { scope } : {};
  const out: Outcomes = [];
  const hostIdByName = new Map<string, string>();
  const members = { hosts: [] as string[], vms: [] as string[], unknown: new Set<'hosts' | 'vms'>() };
  const hosts = own(value, 'hosts') as unknown[];
  hosts.forEach((h, i) => {
    const at = { ...loc, record: `hosts[${i}]` };
    const id = str(field(h, 'Moref'));
    if (!id) {
      members.unknown.add('hosts');
      out.push(rejected('vcenter', at, 'host has no Moref', `hosts.${i}.Moref`));
      return;
    }
    members.hosts.push(id);
    const name = str(field(h, 'Name'));
    if (name) hostIdByName.set(name, id);
    const pkgs = num(field(h, 'NumCpuPkgs'));
    const cores = num(field(h, 'NumCpuCores'));
    const threads = num(field(h, 'NumCpuThreads'));
    const mhz = num(field(h, 'CpuMhz'));
    const cpu =
      pkgs && cores && mhz && cores % pkgs === 0
        ? compact({
            sockets: pkgs,
            coresPerSocket: cores / pkgs,
            threadsPerCore: threads && threads % cores === 0 ? threads / cores : undefined,
            mhz,
          })
        : undefined;
    const mem = num(field(h, 'MemorySize'));
    const conn = str(field(h, 'ConnectionState'));
    const host = compact({
      id,
      name,
      cluster: str(field(h, 'ParentType')) === 'ClusterComputeResource' ? str(field(h, 'Parent')) : undefined,
      hypervisor: { vendor: 'vmware', ...parseProduct(str(field(h, 'Product'))) },
      cpu,
      memoryMiB: mem !== undefined ? Math.round(mem / 1048576) : undefined,
      connectionState: conn === 'connected' || conn === 'disconnected' || conn === 'notResponding' ? conn : undefined,
      maintenanceMode:
        typeof field(h, 'InMaintenanceMode') === 'boolean' ? (field(h, 'InMaintenanceMode') as boolean) : undefined,
    });
    const whole = { ...completeOf(h, HOST_WHOLE), ...scoped };
    out.push(
      emit('vcenter', at, {
        id: contentId('vcenter-inventory', { time, host, ...whole }),
        time,
        type: 'host.upsert',
        source: 'vcenter',
        host,
        ...whole,
      }),
    );
  });
  const vms = own(value, 'virtualMachines') as unknown[];
  vms.forEach((v, i) => {
    const at = { ...loc, record: `virtualMachines[${i}]` };
    const id = str(field(v, 'Moref'));
    if (!id) {
      members.unknown.add('vms');
      out.push(rejected('vcenter', at, 'virtual machine has no Moref', `virtualMachines.${i}.Moref`));
      return;
    }
    members.vms.push(id);
    const hostName = str(field(v, 'Host'));
    const power = str(field(v, 'PowerState'));
    const datastores = field(v, 'Datastores');
    const networks = field(v, 'Networks');
    const vm = compact({
      id,
      name: str(field(v, 'Name')),
      hostId: hostName ? (hostIdByName.get(hostName) ?? hostName) : undefined,
      powerState: power === 'poweredOn' || power === 'poweredOff' || power === 'suspended' ? power : undefined,
      guestOs: str(field(v, 'GuestId')),
      vcpus: num(field(v, 'NumCPU')),
      memoryMiB: num(field(v, 'MemoryMB')),
      datastore: Array.isArray(datastores) ? str(datastores[0]) : undefined,
      nics: Array.isArray(networks)
        ? networks.filter((n): n is string => typeof n === 'string').map((network) => ({ network }))
        : undefined,
    });
    const whole = { ...completeOf(v, VM_WHOLE), ...scoped };
    out.push(
      emit('vcenter', at, {
        id: contentId('vcenter-inventory', { time, vm, ...whole }),
        time,
        type: 'vm.upsert',
        source: 'vcenter',
        vm,
        ...whole,
      }),
    );
  });
  if (scope) {
    const lists = {
      ...(!members.unknown.has('hosts') && { hosts: members.hosts }),
      ...(!members.unknown.has('vms') && { vms: members.vms }),
    };
    out.push(...inventorySnapshotOutcomes('vcenter', { ...loc, record: 'hosts/virtualMachines' }, scope, time, lists));
  }
  return out;
}
