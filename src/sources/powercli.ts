import { getOrCreate } from '../model/get-or-create';
import { compact, isRecord, jsonType, own, setOwn, str } from './json-access';
import { contentUpsert } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import type { NormaliseOptions } from './options';
import { normaliseScope, scopedId } from './export-scope';
import { nameOf, psBool } from './powershell-json';
import type { RecordLocation } from './types';

/**
 * PowerCLI output saved with ConvertTo-Json or Export-Csv (one record per setting or service):
 * - `Get-VMHost | Get-AdvancedSetting | Select Entity,Name,Value` and `Get-VM | Get-AdvancedSetting`:
 *   AdvancedSetting `{Name, Value, Entity, Uid?, Type?, Description?}`;
 * - `Get-VMHost | Get-VMHostService`: HostService `{Key, Label, Policy, Running, Required, Ruleset, VMHostId, VMHost, Uid}`.
 * Property names per the PowerCLI reference (VMware.VimAutomation.ViCore.Types.V1 AdvancedSetting, Host.HostService).
 * The `Uid` (`/VIServer=user@vc01:443/VMHost=HostSystem-host-21/...`) names the vCenter or ESXi server and the
 * MoRef; where an export lacks it (Export-Csv of `Select Entity,Name,Value` keeps only the entity's name),
 * `--scope` names the server and the name stands in for the MoRef.
 */
const SOURCE = 'powercli' as const;

export function looksPowercliSetting(v: unknown): boolean {
  return isRecord(v) && typeof own(v, 'Name') === 'string' && Object.hasOwn(v, 'Value') && Object.hasOwn(v, 'Entity');
}

export function looksPowercliService(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof own(v, 'Key') === 'string' &&
    Object.hasOwn(v, 'Running') &&
    Object.hasOwn(v, 'Policy') &&
    (Object.hasOwn(v, 'VMHostId') || Object.hasOwn(v, 'VMHost'))
  );
}

export function looksPowercli(v: unknown): boolean {
  return looksPowercliSetting(v) || looksPowercliService(v);
}

interface EntityRef {
  kind: 'host' | 'vm';
  id: string;
  name?: string;
}

const UID =
  /^\/VIServer=(?:[^@/]*@)*([^/:]+)(?::\d+)?\/(VMHost|VirtualMachine)=(?:HostSystem|VirtualMachine)-([^/]+)\//;
const ID = /^(HostSystem|VirtualMachine)-(.+)$/;

/** From a Uid: the server and the entity's MoRef. */
function fromUid(uid: unknown): { scope: string; kind: 'host' | 'vm'; moref: string } | undefined {
  const m = typeof uid === 'string' ? UID.exec(uid) : null;
  return m ? { scope: normaliseScope(m[1]!), kind: m[2] === 'VMHost' ? 'host' : 'vm', moref: m[3]! } : undefined;
}

/**
 * The entity a setting belongs to. Entity is an object (ConvertTo-Json within its depth: Name, Id, Uid) or its
 * ToString(), the name (deeper than -Depth, and always in Export-Csv). A name alone is taken as a host: the one
 * export that loses the Uid is the `Get-VMHost | ... | Select Entity,Name,Value` form.
 */
function settingEntity(r: unknown, opts: NormaliseOptions): EntityRef | { fail: string; field: string } {
  const entity = own(r, 'Entity');
  const name = nameOf(entity);
  const uid = fromUid(own(entity, 'Uid')) ?? fromUid(own(r, 'Uid'));
  if (uid) return { kind: uid.kind, id: scopedId(uid.scope, uid.moref), name };
  const idm = ID.exec(typeof own(entity, 'Id') === 'string' ? (own(entity, 'Id') as string) : '');
  if (!name && !idm)
    return { fail: `Entity must be a VMHost/VM object or its name, got ${jsonType(entity)}`, field: 'Entity' };
  if (!opts.scope)
    return {
      fail: 'the export does not name its vCenter or ESXi server (no Uid): ingest it with --scope <server>',
      field: 'Entity',
    };
  if (idm) return { kind: idm[1] === 'HostSystem' ? 'host' : 'vm', id: scopedId(opts.scope, idm[2]!), name };
  return { kind: 'host', id: scopedId(opts.scope, name!), name };
}

function serviceHost(r: unknown, opts: NormaliseOptions): EntityRef | { fail: string; field: string } {
  const name = nameOf(own(r, 'VMHost'));
  const uid = fromUid(own(r, 'Uid')) ?? fromUid(own(own(r, 'VMHost'), 'Uid'));
  if (uid) return { kind: 'host', id: scopedId(uid.scope, uid.moref), name };
  const idm = ID.exec(str(own(r, 'VMHostId')) ?? '');
  if (!idm && !name) return { fail: 'service names no host (VMHostId, VMHost or Uid)', field: 'VMHostId' };
  if (!opts.scope)
    return {
      fail: 'the export does not name its vCenter or ESXi server (no Uid): ingest it with --scope <server>',
      field: 'Uid',
    };
  return { kind: 'host', id: scopedId(opts.scope, idm ? idm[2]! : name!), name };
}

type Scalar = string | number | boolean;

/** A setting value as ConvertTo-Json or Export-Csv wrote it; arrays and objects have no setting meaning. */
function settingValue(v: unknown): Scalar | null | undefined {
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

interface Acc {
  ref: EntityRef;
  settings: Record<string, Scalar>;
  services: Record<string, { running: boolean; policy?: string }>;
}

/** A whole export: records grouped per entity, one upsert per host or VM with every setting or service it lists. */
export function normalisePowercliDocument(records: unknown[], loc: RecordLocation, opts: NormaliseOptions): Outcomes {
  const time = opts.snapshotTime;
  if (!time) return [rejected(SOURCE, loc, 'PowerCLI output carries no time and no file time is known', 'time')];
  const many = records.length > 1 || loc.record === undefined;
  const where = (i: number): RecordLocation =>
    many ? { ...loc, record: `${loc.record ? `${loc.record} ` : ''}record ${i + 1}` } : loc;
  const out: Outcomes = [];
  const acc = new Map<string, Acc>();
  const entry = (ref: EntityRef): Acc => {
    const key = `${ref.kind}:${ref.id}`;
    const a = getOrCreate(acc, key, () => ({ ref, settings: {}, services: {} }));
    if (!a.ref.name && ref.name) a.ref.name = ref.name;
    return a;
  };
  for (const [i, r] of records.entries()) {
    if (looksPowercliSetting(r)) {
      const ref = settingEntity(r, opts);
      if ('fail' in ref) {
        out.push(rejected(SOURCE, where(i), ref.fail, ref.field));
        continue;
      }
      const key = own(r, 'Name') as string;
      const value = settingValue(own(r, 'Value'));
      if (value === undefined) {
        out.push(
          rejected(
            SOURCE,
            where(i),
            `setting ${key}: Value must be a string, number or boolean, got ${jsonType(own(r, 'Value'))}`,
            'Value',
          ),
        );
        continue;
      }
      if (value === null) {
        out.push(ignored(SOURCE, where(i), `setting ${key} has no value`));
        continue;
      }
      setOwn(entry(ref).settings, key, value);
      continue;
    }
    if (looksPowercliService(r)) {
      const ref = serviceHost(r, opts);
      if ('fail' in ref) {
        out.push(rejected(SOURCE, where(i), ref.fail, ref.field));
        continue;
      }
      const running = psBool(own(r, 'Running'));
      if (running === undefined) {
        out.push(
          rejected(
            SOURCE,
            where(i),
            `Running must be True or False, got ${JSON.stringify(own(r, 'Running'))}`,
            'Running',
          ),
        );
        continue;
      }
      const policy = own(r, 'Policy');
      if (policy !== null && policy !== undefined && typeof policy !== 'string') {
        out.push(rejected(SOURCE, where(i), `Policy must be on, off or automatic, got ${jsonType(policy)}`, 'Policy'));
        continue;
      }
      setOwn(entry(ref).services, own(r, 'Key') as string, compact({ running, policy: str(policy)?.toLowerCase() }));
      continue;
    }
    out.push(
      rejected(
        SOURCE,
        where(i),
        'not a PowerCLI AdvancedSetting (Entity, Name, Value) or VMHostService (Key, Running, Policy, VMHostId) record',
      ),
    );
  }
  for (const { ref, settings, services } of acc.values()) {
    const hasSettings = Object.keys(settings).length > 0;
    const hasServices = Object.keys(services).length > 0;
    // Get-AdvancedSetting and Get-VMHostService without a filter list all of an entity's settings or services:
    // the upsert is whole for exactly those fields, so a setting or service gone since the last export goes too.
    const fields = [...(hasSettings ? ['settings'] : []), ...(hasServices ? ['services'] : [])];
    const complete = fields.length > 0 ? { fields } : undefined;
    if (ref.kind === 'host') {
      const host = compact({
        id: ref.id,
        name: ref.name,
        hypervisor: { vendor: 'vmware' as const },
        settings: hasSettings ? settings : undefined,
        services: hasServices ? services : undefined,
      });
      out.push(emit(SOURCE, loc, contentUpsert(SOURCE, time, 'host', host, complete)));
    } else {
      const vm = compact({ id: ref.id, name: ref.name, settings: hasSettings ? settings : undefined });
      out.push(emit(SOURCE, loc, contentUpsert(SOURCE, time, 'vm', vm, complete)));
    }
  }
  return out;
}
