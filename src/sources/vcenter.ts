import type { FleetEvent } from '../model/event';
import { compact, field, isRecord, jsonType, num, own, str, type JsonRecord } from './json-access';
import { contentId } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';
import { ignoreReason, vcenterAction, type VcenterAction } from './vcenter-classes';
import { unwrapVcenter, vcenterSourceKey, type VcenterEnvelope } from './vcenter-envelope';
import {
  isGovmomiObject,
  isVcsimInventory,
  normaliseGovmomiObject,
  normaliseVcsimInventory,
} from './vcenter-inventory';
import type { NormaliseOptions } from './options';

type Fail = { fail: string; field: string };

/** `<instanceUuid>/vm-43`: the id format of vCenter entities once the vCenter instance is known. */
export function scopedMoRef(scope: string | undefined, moref: string): string {
  return scope ? `${scope}/${moref}` : moref;
}
type Ref = { id?: string; name?: string };

/**
 * An entity argument: `{Name, Vm: {Type, Value}}` (VEBA/vcsim) or `{name, vm: {_typeName, type, value}}`
 * (govmomi). `refKey` is the inner reference's name (Vm, Host, Datastore, ComputeResource, Datacenter).
 */
function entityArg(
  body: JsonRecord,
  argKey: string,
  refKey: string,
  prefix: string,
  scope?: string,
): Ref | Fail | undefined {
  const arg = field(body, argKey);
  if (arg === undefined || arg === null) return undefined;
  if (!isRecord(arg)) return { fail: `${argKey} must be an object, got ${jsonType(arg)}`, field: `${prefix}${argKey}` };
  const name = field(arg, 'Name');
  if (name !== undefined && name !== null && typeof name !== 'string') {
    return { fail: `${argKey}.Name must be a string, got ${jsonType(name)}`, field: `${prefix}${argKey}.Name` };
  }
  const ref = field(arg, refKey);
  let id: string | undefined;
  if (ref !== undefined && ref !== null) {
    const value = field(ref, 'Value');
    if (typeof value !== 'string' || value.length === 0) {
      return {
        fail: `${argKey}.${refKey}.Value must be a MoRef string like vm-43, got ${jsonType(value)}`,
        field: `${prefix}${argKey}.${refKey}.Value`,
      };
    }
    id = scopedMoRef(scope, value);
  }
  return { id, name: str(name) };
}

function isFail(v: unknown): v is Fail {
  return isRecord(v) && typeof v.fail === 'string';
}

/** Event id: vCenter's Key and ChainId with the vCenter's identity are unique and stable across re-delivery. */
function eventIdBase(env: VcenterEnvelope): string {
  const key = field(env.body, 'Key');
  const chain = field(env.body, 'ChainId');
  if (typeof key === 'number' || (typeof key === 'string' && key !== '')) {
    const chainPart = typeof chain === 'number' || typeof chain === 'string' ? String(chain) : undefined;
    const parts = ['vcenter', env.identity, String(key), chainPart];
    return parts.filter((p) => p !== undefined).join(':');
  }
  if (env.envelopeId) return `vcenter:${env.identity ? `${env.identity}:` : ''}${env.envelopeId}`;
  return contentId('vcenter', env.body);
}

/** govc `events -json` names the object as `VirtualMachine:vm-43` instead of entity arguments. */
function govcObject(body: JsonRecord): { type: string; id: string } | undefined {
  const obj = str(field(body, 'Object'));
  const m = obj ? /^([A-Za-z]+):(.+)$/.exec(obj) : null;
  return m ? { type: m[1]!, id: m[2]! } : undefined;
}

interface Located {
  vm?: Ref;
  host?: Ref;
  cluster?: string;
  datacenter?: string;
  datastore?: string;
}

function locate(body: JsonRecord, prefix: string, scope?: string): Located | Fail {
  const vm = entityArg(body, 'Vm', 'Vm', prefix, scope);
  if (isFail(vm)) return vm;
  const host = entityArg(body, 'Host', 'Host', prefix, scope);
  if (isFail(host)) return host;
  const cr = field(body, 'ComputeResource');
  const crRef = field(cr, 'ComputeResource');
  const crType = str(field(crRef, 'Type'));
  // A standalone host has a plain ComputeResource named after itself; only a ClusterComputeResource is a cluster.
  const cluster = crType === undefined || crType === 'ClusterComputeResource' ? str(field(cr, 'Name')) : undefined;
  const ds = entityArg(body, 'Ds', 'Datastore', prefix, scope);
  if (isFail(ds)) return ds;
  const located: Located = {
    vm,
    host,
    cluster: crType === undefined && cluster !== undefined && cluster === host?.name ? undefined : cluster,
    datacenter: str(field(field(body, 'Datacenter'), 'Name')),
    datastore: ds?.name,
  };
  const gov = govcObject(body);
  if (gov?.type === 'VirtualMachine' && !located.vm) located.vm = { id: scopedMoRef(scope, gov.id) };
  if (gov?.type === 'HostSystem' && !located.host) located.host = { id: scopedMoRef(scope, gov.id) };
  return located;
}

/** vmx keys from a ConfigSpec: ExtraConfig pairs plus the hot-add flags audit rules look at. */
function settingsFromSpec(spec: unknown): Record<string, string | number | boolean> | undefined {
  const entries: [string, string | number | boolean][] = [];
  const extra = field(spec, 'ExtraConfig');
  if (Array.isArray(extra)) {
    for (const opt of extra) {
      const key = str(field(opt, 'Key'));
      let value = field(opt, 'Value');
      if (isRecord(value) && own(value, '_value') !== undefined) value = own(value, '_value');
      if (key && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
        entries.push([key, value]);
    }
  }
  const memHot = field(spec, 'MemoryHotAddEnabled');
  if (typeof memHot === 'boolean') entries.push(['mem.hotadd', memHot]);
  const cpuHot = field(spec, 'CpuHotAddEnabled');
  if (typeof cpuHot === 'boolean') entries.push(['vcpu.hotadd', cpuHot]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function vmBody(loc: Located, id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return compact({
    id,
    name: loc.vm?.name,
    hostId: loc.host?.id,
    cluster: loc.cluster,
    datacenter: loc.datacenter,
    datastore: loc.datastore,
    ...extra,
  });
}

type Build = { type: FleetEvent['type']; body: Record<string, unknown> } | Fail;

function build(action: VcenterAction, body: JsonRecord, loc: Located, prefix: string, scope?: string): Build {
  const needVm = (): string | Fail =>
    loc.vm?.id ?? { fail: 'event names no VM MoRef (Vm.Vm.Value)', field: `${prefix}Vm` };
  const needHost = (argKey = 'Host'): string | Fail =>
    loc.host?.id ?? { fail: `event names no host MoRef (${argKey}.Host.Value)`, field: `${prefix}${argKey}` };
  const hostBody = (id: string) => ({ host: { id } });
  switch (action.kind) {
    case 'vm.upsert':
    case 'vm.deployed': {
      const id = needVm();
      if (typeof id !== 'string') return id;
      if (action.kind === 'vm.deployed') {
        const tpl = entityArg(body, 'SrcTemplate', 'Vm', prefix, scope);
        if (isFail(tpl)) return tpl;
        // Deploying from a template is a clone of it: the new VM inherits the template's perimeter.
        if (tpl?.id) return { type: 'vm.clone', body: { clone: { sourceVmId: tpl.id, vm: vmBody(loc, id) } } };
      }
      return { type: 'vm.upsert', body: { vm: vmBody(loc, id) } };
    }
    case 'vm.clone': {
      const id = needVm();
      if (typeof id !== 'string') return id;
      const src = entityArg(body, 'SourceVm', 'Vm', prefix, scope);
      if (isFail(src)) return src;
      if (!src?.id) return { fail: 'VmClonedEvent names no source VM (SourceVm.Vm.Value)', field: `${prefix}SourceVm` };
      return { type: 'vm.clone', body: { clone: { sourceVmId: src.id, vm: vmBody(loc, id) } } };
    }
    case 'vm.migrate': {
      const id = needVm();
      if (typeof id !== 'string') return id;
      const to = needHost();
      if (typeof to !== 'string') return to;
      const from = entityArg(body, 'SourceHost', 'Host', prefix, scope);
      if (isFail(from)) return from;
      const fromDs = entityArg(body, 'SourceDatastore', 'Datastore', prefix, scope);
      if (isFail(fromDs)) return fromDs;
      return {
        type: 'vm.migrate',
        body: {
          migrate: compact({
            vmId: id,
            fromHostId: from?.id,
            toHostId: to,
            fromDatastore: fromDs?.name,
            toDatastore: loc.datastore,
            toCluster: loc.cluster,
            toDatacenter: loc.datacenter,
            kind: action.migration,
          }),
        },
      };
    }
    case 'vm.remove':
    case 'vm.power_on':
    case 'vm.power_off': {
      const id = needVm();
      return typeof id === 'string' ? { type: action.kind, body: { vm: { id } } } : id;
    }
    case 'vm.suspended': {
      const id = needVm();
      return typeof id === 'string' ? { type: 'vm.upsert', body: { vm: { id, powerState: 'suspended' } } } : id;
    }
    case 'vm.renamed': {
      const id = needVm();
      if (typeof id !== 'string') return id;
      const newName = field(body, 'NewName');
      if (typeof newName !== 'string')
        return { fail: `NewName must be a string, got ${jsonType(newName)}`, field: `${prefix}NewName` };
      return { type: 'vm.upsert', body: { vm: { id, name: newName } } };
    }
    case 'vm.reconfigured': {
      const id = needVm();
      if (typeof id !== 'string') return id;
      const spec = field(body, 'ConfigSpec');
      if (spec !== undefined && spec !== null && !isRecord(spec)) {
        return { fail: `ConfigSpec must be an object, got ${jsonType(spec)}`, field: `${prefix}ConfigSpec` };
      }
      const cpus = num(field(spec, 'NumCPUs'));
      const mem = num(field(spec, 'MemoryMB'));
      // ConfigSpec zero values mean "not changed" (Go omits nothing); only positive numbers are changes.
      return {
        type: 'vm.upsert',
        body: {
          vm: vmBody(loc, id, {
            name: str(field(spec, 'Name')) ?? loc.vm?.name,
            vcpus: cpus !== undefined && cpus > 0 ? cpus : undefined,
            memoryMiB: mem !== undefined && mem > 0 ? mem : undefined,
            guestOs: str(field(spec, 'GuestId')),
            settings: settingsFromSpec(spec),
          }),
        },
      };
    }
    case 'host.upsert': {
      const id = needHost();
      if (typeof id !== 'string') return id;
      return {
        type: 'host.upsert',
        body: {
          host: compact({
            id,
            name: loc.host?.name,
            cluster: loc.cluster,
            datacenter: loc.datacenter,
            hypervisor: { vendor: 'vmware' },
            connectionState: 'connected',
          }),
        },
      };
    }
    case 'host.failed': {
      const failed = entityArg(body, 'FailedHost', 'Host', prefix, scope);
      if (isFail(failed)) return failed;
      const id = failed?.id ?? loc.host?.id;
      if (!id)
        return {
          fail: 'DasHostFailedEvent names no failed host (FailedHost.Host.Value)',
          field: `${prefix}FailedHost`,
        };
      return { type: 'host.connection_lost', body: hostBody(id) };
    }
    case 'host.remove':
    case 'host.connected':
    case 'host.connection_lost':
    case 'host.maintenance_enter':
    case 'host.maintenance_exit': {
      const id = needHost();
      return typeof id === 'string' ? { type: action.kind, body: hostBody(id) } : id;
    }
  }
}

/** Looks like a vCenter event body: VEBA/vcsim PascalCase or govmomi camelCase. */
export function looksVcenterBody(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const typeName = own(value, '_typeName');
  if (typeof typeName === 'string') return true;
  const hasTime = field(value, 'CreatedTime') !== undefined;
  const hasKey = field(value, 'Key') !== undefined || field(value, 'ChainId') !== undefined;
  const govc = hasTime && field(value, 'Category') !== undefined && field(value, 'Message') !== undefined;
  const fragment = isRecord(own(value, 'data')) && Object.keys(value).length <= 3;
  const indexEntry =
    typeof field(value, 'Type') === 'string' &&
    /Event$/.test(String(field(value, 'Type'))) &&
    field(value, 'FullFormattedMessage') !== undefined;
  if (indexEntry) return true;
  return (hasTime && hasKey) || govc || fragment || isVcsimInventory(value);
}

export function normaliseVcenter(value: unknown, loc: RecordLocation, opts: NormaliseOptions = {}): Outcomes {
  if (!isRecord(value))
    return [rejected('vcenter', loc, `a vCenter event must be a JSON object, got ${jsonType(value)}`)];
  if (isVcsimInventory(value)) return normaliseVcsimInventory(value, loc, opts);
  const env = unwrapVcenter(value, loc.file);
  if ('error' in env) return [rejected('vcenter', loc, env.error, env.field)];
  const p = env.fieldPrefix;
  if (!env.className && isGovmomiObject(env.body)) return normaliseGovmomiObject(env.body, loc);
  if (!env.className && field(env.body, 'Category') !== undefined && field(env.body, 'Message') !== undefined) {
    return [rejected('vcenter', loc, 'govc record has no event type: capture with `govc events -json -l`', `${p}type`)];
  }
  if (!env.className) {
    return [
      rejected(
        'vcenter',
        loc,
        'cannot tell the vCenter event class: no CloudEvent type/subject, _typeName, EventTypeId or class in the file name',
        `${p}type`,
      ),
    ];
  }
  // A govmomi data object that is not an event has no createdTime (VirtualMachineConfigInfo, RetrieveResult);
  // event classes do not all end in "Event" (VmFailoverFailed), so the shape decides.
  if (own(env.body, '_typeName') !== undefined && field(env.body, 'CreatedTime') === undefined && !env.fieldPrefix) {
    return normaliseGovmomiObject(env.body, loc);
  }
  // Class names end up in reasons; a hostile 1 MB subject must not.
  const className = env.className.slice(0, 200);
  const createdRaw = field(env.body, 'CreatedTime');
  const indexedIn = str(own(env.body, 'file'));
  if (createdRaw === undefined && indexedIn && field(env.body, 'FullFormattedMessage') !== undefined) {
    return [
      ignored(
        'vcenter',
        loc,
        `${className} (index entry without time or entities; the event itself is in ${indexedIn})`,
      ),
    ];
  }
  const time = rfc3339(createdRaw) ?? rfc3339(env.envelopeTime);
  const action = vcenterAction(className);
  if (!action) {
    // Not an inventory change; still require it to be a well-formed event so garbage is not counted as ignored.
    if (!time) return [rejected('vcenter', loc, `${className} has no valid CreatedTime`, `${p}CreatedTime`)];
    return [ignored('vcenter', loc, ignoreReason(className))];
  }
  if (!time) {
    const got = createdRaw === undefined ? 'missing' : `got ${JSON.stringify(createdRaw).slice(0, 80)}`;
    return [rejected('vcenter', loc, `${className}: CreatedTime must be an RFC 3339 time (${got})`, `${p}CreatedTime`)];
  }
  // A MoRef is unique within one vCenter only: scoped by the instance when the caller knows it (see docs/events.md).
  const scope = opts.vcenterScope ?? (env.identity !== undefined ? aliasedScope(opts, env.identity) : undefined);
  const located = locate(env.body, p, scope);
  if (isFail(located)) return [rejected('vcenter', loc, `${className}: ${located.fail}`, located.field)];
  const built = build(action, env.body, located, p, scope);
  if (isFail(built)) return [rejected('vcenter', loc, `${className}: ${built.fail}`, built.field)];
  const candidate = {
    id: `${eventIdBase(env)}:${built.type}`,
    time,
    type: built.type,
    source: 'vcenter',
    ...built.body,
  };
  return [emit('vcenter', loc, candidate)];
}

/** The instanceUuid a collection learned for this CloudEvent source; own keys only (a source is sender-chosen text). */
function aliasedScope(opts: NormaliseOptions, identity: string): string | undefined {
  const scopes = opts.vcenterScopes;
  const key = vcenterSourceKey(identity);
  return scopes !== undefined && Object.hasOwn(scopes, key) ? scopes[key] : undefined;
}
