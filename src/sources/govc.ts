import { compact, isRecord, jsonType, own, setOwn, str } from './json-access';
import { contentUpsert } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { scopedId } from './export-scope';
import type { RecordLocation } from './types';

/**
 * govc's `-json` output (govmomi 0.24 encodes the vim25 Go types, so keys are the Go field names):
 * - `host.option.ls -json`: an array of OptionValue `{Key, Value}`;
 * - `host.service.ls -json`: an array of HostService `{Key, Label, Policy, Running, Required, Ruleset, ...}`;
 * - `object.collect -json -type h|m`: one `{Kind, Obj: {Type, Value}, ChangeSet: [{Name, Op, Val}], MissingSet}`
 *   per object, printed one after another.
 * None of them names the vCenter, and the host lists do not name their host: `--scope` and `--host` say so.
 */
const SOURCE = 'govc' as const;
const MiB = 1024 * 1024;

export function looksGovcOption(v: unknown): boolean {
  return isRecord(v) && typeof own(v, 'Key') === 'string' && Object.hasOwn(v, 'Value') && Object.keys(v).length === 2;
}

export function looksGovcService(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof own(v, 'Key') === 'string' &&
    typeof own(v, 'Running') === 'boolean' &&
    Object.hasOwn(v, 'Uninstallable') &&
    !Object.hasOwn(v, 'VMHostId')
  );
}

export function looksGovcObjectUpdate(v: unknown): boolean {
  const obj = own(v, 'Obj');
  return (
    isRecord(v) &&
    Array.isArray(own(v, 'ChangeSet')) &&
    typeof own(obj, 'Type') === 'string' &&
    typeof own(obj, 'Value') === 'string'
  );
}

export function looksGovc(v: unknown): boolean {
  return looksGovcOption(v) || looksGovcService(v) || looksGovcObjectUpdate(v);
}

function at(loc: RecordLocation, i: number, many: boolean): RecordLocation {
  return many ? { ...loc, record: `${loc.record ? `${loc.record} ` : ''}record ${i + 1}` } : loc;
}

/** The host a per-host list belongs to: `--host` (a MoRef such as host-34 lines up with object.collect). */
function listHost(
  loc: RecordLocation,
  opts: NormaliseOptions,
  what: string,
): { id: string; name: string } | { fail: Outcomes } {
  if (!opts.host) {
    return {
      fail: [
        rejected(
          SOURCE,
          loc,
          `govc ${what} -json does not name its host: ingest it with --host <MoRef or name> (and --scope <vCenter>)`,
          'host',
        ),
      ],
    };
  }
  const name = opts.host.split('/').filter(Boolean).pop() ?? opts.host;
  // A host name read straight from an ESXi is its own instance; a MoRef means nothing without its vCenter.
  if (!opts.scope && /^(host-\d+|ha-host)$/.test(name)) {
    return {
      fail: [
        rejected(SOURCE, loc, `--host ${name} is a MoRef: also give the vCenter it belongs to with --scope`, 'scope'),
      ],
    };
  }
  return { id: scopedId(opts.scope ?? name, name), name };
}

function snapshotTime(loc: RecordLocation, opts: NormaliseOptions): string | { fail: Outcomes } {
  return (
    opts.snapshotTime ?? {
      fail: [rejected(SOURCE, loc, 'govc output carries no time and no file time is known', 'time')],
    }
  );
}

/** A whole `host.option.ls -json` or `host.service.ls -json` array, or object.collect updates. */
export function normaliseGovcDocument(records: unknown[], loc: RecordLocation, opts: NormaliseOptions): Outcomes {
  const many = records.length > 1 || loc.record === undefined;
  const time = snapshotTime(loc, opts);
  if (typeof time !== 'string') return time.fail;
  const first = records[0];
  if (looksGovcObjectUpdate(first))
    return records.flatMap((r, i) => normaliseObjectUpdate(r, at(loc, i, many), time, opts));
  const kind = looksGovcService(first) ? 'host.service.ls' : 'host.option.ls';
  const host = listHost(loc, opts, kind);
  if ('fail' in host) return host.fail;
  const out: Outcomes = [];
  const settings: Record<string, string | number | boolean> = {};
  const services: Record<string, { running: boolean; policy?: string }> = {};
  for (const [i, r] of records.entries()) {
    const where = at(loc, i, many);
    if (kind === 'host.option.ls') {
      if (!looksGovcOption(r)) {
        out.push(rejected(SOURCE, where, `not a host.option.ls OptionValue {Key, Value}: ${jsonType(r)}`, `${i}`));
        continue;
      }
      const key = own(r, 'Key') as string;
      const value = own(r, 'Value');
      if (value === null) {
        out.push(ignored(SOURCE, where, `option ${key} has no value`));
        continue;
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        out.push(
          rejected(
            SOURCE,
            where,
            `option ${key}: Value must be a string, number or boolean, got ${jsonType(value)}`,
            `${i}.Value`,
          ),
        );
        continue;
      }
      setOwn(settings, key, value);
      continue;
    }
    if (!looksGovcService(r)) {
      out.push(rejected(SOURCE, where, `not a host.service.ls HostService {Key, Running, Policy, ...}`, `${i}`));
      continue;
    }
    const policy = own(r, 'Policy');
    if (policy !== undefined && policy !== null && typeof policy !== 'string') {
      out.push(rejected(SOURCE, where, `Policy must be a string, got ${jsonType(policy)}`, `${i}.Policy`));
      continue;
    }
    setOwn(services, own(r, 'Key') as string, compact({ running: own(r, 'Running') as boolean, policy: str(policy) }));
  }
  const host_ = compact({
    id: host.id,
    name: host.name,
    hypervisor: { vendor: 'vmware' as const },
    settings: kind === 'host.option.ls' && Object.keys(settings).length > 0 ? settings : undefined,
    services: kind === 'host.service.ls' && Object.keys(services).length > 0 ? services : undefined,
  });
  if (host_.settings === undefined && host_.services === undefined) return out;
  // Both commands list every option or service of the host: the upsert is whole for that one field.
  const complete = { fields: [kind === 'host.option.ls' ? 'settings' : 'services'] };
  out.push(emit(SOURCE, loc, contentUpsert(SOURCE, time, 'host', host_, complete)));
  return out;
}

function changes(update: unknown): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const c of own(update, 'ChangeSet') as unknown[]) {
    const name = own(c, 'Name');
    if (typeof name === 'string' && (own(c, 'Op') ?? 'assign') === 'assign') m.set(name, own(c, 'Val'));
  }
  return m;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

function normaliseObjectUpdate(update: unknown, loc: RecordLocation, time: string, opts: NormaliseOptions): Outcomes {
  if (!looksGovcObjectUpdate(update))
    return [rejected(SOURCE, loc, 'not an object.collect update {Kind, Obj, ChangeSet}')];
  if (!opts.scope) {
    return [
      rejected(
        SOURCE,
        loc,
        'govc object.collect -json does not name its vCenter: ingest it with --scope <vCenter>',
        'scope',
      ),
    ];
  }
  const scope = opts.scope;
  const obj = own(update, 'Obj');
  const type = own(obj, 'Type') as string;
  const moref = own(obj, 'Value') as string;
  const p = changes(update);
  const ref = (v: unknown) => (typeof own(v, 'Value') === 'string' ? (own(v, 'Value') as string) : undefined);
  if (type === 'HostSystem') {
    const product = p.get('summary.config.product');
    const cpuInfo = p.get('hardware.cpuInfo');
    const pkgs = positiveInt(own(cpuInfo, 'NumCpuPackages'));
    const cores = positiveInt(own(cpuInfo, 'NumCpuCores'));
    const threads = positiveInt(own(cpuInfo, 'NumCpuThreads'));
    const hz = own(cpuInfo, 'Hz');
    const mem = p.get('hardware.memorySize');
    const conn = p.get('runtime.connectionState');
    const parent = p.get('parent');
    const host = compact({
      id: scopedId(scope, moref),
      name: str(p.get('name')),
      cluster:
        own(parent, 'Type') === 'ClusterComputeResource' && ref(parent) ? scopedId(scope, ref(parent)!) : undefined,
      hypervisor: compact({
        vendor: 'vmware' as const,
        version: str(own(product, 'Version')),
        build: str(own(product, 'Build')),
      }),
      cpu:
        pkgs && cores && cores % pkgs === 0 && typeof hz === 'number' && hz > 0
          ? compact({
              sockets: pkgs,
              coresPerSocket: cores / pkgs,
              threadsPerCore: threads && threads % cores === 0 ? threads / cores : undefined,
              mhz: Math.round(hz / 1e6),
            })
          : undefined,
      memoryMiB: typeof mem === 'number' && mem >= 0 ? Math.round(mem / MiB) : undefined,
      connectionState: conn === 'connected' || conn === 'disconnected' || conn === 'notResponding' ? conn : undefined,
      maintenanceMode:
        typeof p.get('runtime.inMaintenanceMode') === 'boolean'
          ? (p.get('runtime.inMaintenanceMode') as boolean)
          : undefined,
    });
    return [emit(SOURCE, loc, contentUpsert(SOURCE, time, 'host', host), 'ChangeSet:')];
  }
  if (type === 'VirtualMachine') {
    const power = p.get('runtime.powerState');
    const mem = p.get('config.hardware.memoryMB');
    const extra = own(p.get('config.extraConfig'), 'OptionValue');
    const settings: Record<string, string | number | boolean> = {};
    if (Array.isArray(extra)) {
      for (const o of extra) {
        const k = own(o, 'Key');
        const v = own(o, 'Value');
        if (typeof k === 'string' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
          setOwn(settings, k, v);
      }
    }
    const hostRef = ref(p.get('runtime.host'));
    const vm = compact({
      id: scopedId(scope, moref),
      name: str(p.get('name')),
      hostId: hostRef ? scopedId(scope, hostRef) : undefined,
      powerState: power === 'poweredOn' || power === 'poweredOff' || power === 'suspended' ? power : undefined,
      vcpus: positiveInt(p.get('config.hardware.numCPU')),
      memoryMiB: typeof mem === 'number' && mem >= 0 ? mem : undefined,
      guestOs: str(p.get('config.guestId')),
      settings: Object.keys(settings).length > 0 || p.has('config.extraConfig') ? settings : undefined,
    });
    // config.extraConfig, when collected, is every vmx key of the VM.
    const complete = p.has('config.extraConfig') ? { fields: ['settings'] } : undefined;
    return [emit(SOURCE, loc, contentUpsert(SOURCE, time, 'vm', vm, complete), 'ChangeSet:')];
  }
  return [ignored(SOURCE, loc, `object.collect ${type} (only HostSystem and VirtualMachine are inventory)`)];
}
