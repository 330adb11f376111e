import { compact, isRecord, jsonType, num, own, str, type JsonRecord } from './json-access';
import { contentId } from './ids';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';
import { jsonErrorMessage } from './json-position';

/**
 * OpenStack Nova versioned notifications. Ids: oslo `message_id` when present (real messages), else a hash of
 * the notification; time: oslo `timestamp`, else the payload's own updated_at/terminated_at/last_seen_up.
 */

type Unwrapped = { msg: JsonRecord; prefix: string } | { error: string; field: string };

/** Real messages on the bus are wrapped: `{"oslo.version": "2.0", "oslo.message": "<json string>"}`. */
function unwrapOslo(value: JsonRecord): Unwrapped {
  const inner = own(value, 'oslo.message');
  if (inner === undefined) return { msg: value, prefix: '' };
  if (typeof inner !== 'string')
    return { error: `oslo.message must be a JSON string, got ${jsonType(inner)}`, field: 'oslo.message' };
  try {
    const parsed: unknown = JSON.parse(inner);
    if (!isRecord(parsed)) return { error: 'oslo.message does not hold a JSON object', field: 'oslo.message' };
    return { msg: parsed, prefix: 'oslo.message.' };
  } catch (e) {
    return { error: `oslo.message is not valid JSON (${jsonErrorMessage(e)})`, field: 'oslo.message' };
  }
}

export function looksNova(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (typeof own(value, 'oslo.message') === 'string') return true;
  return typeof own(value, 'event_type') === 'string' && isRecord(own(value, 'payload'));
}

/** `nova-compute:host2` -> `host2`: the service that sent the notification. */
function publisherHost(msg: JsonRecord): string | undefined {
  const p = str(own(msg, 'publisher_id'));
  const i = p ? p.indexOf(':') : -1;
  return p && i >= 0 ? str(p.slice(i + 1)) : undefined;
}

const POWER: Record<string, 'poweredOn' | 'poweredOff' | 'suspended'> = {
  running: 'poweredOn',
  shutdown: 'poweredOff',
  crashed: 'poweredOff',
  nostate: 'poweredOff',
  paused: 'suspended',
  suspended: 'suspended',
};

function instanceVm(data: JsonRecord, id: string, hostOf: (h: string) => string): Record<string, unknown> {
  const flavor = own(own(data, 'flavor'), 'nova_object.data');
  const vcpus = num(own(flavor, 'vcpus'));
  const mem = num(own(flavor, 'memory_mb'));
  const ips = own(data, 'ip_addresses');
  const nics = Array.isArray(ips)
    ? ips
        .map((ip) => str(own(own(ip, 'nova_object.data'), 'label')))
        .filter((n): n is string => n !== undefined)
        .map((network) => ({ network }))
    : undefined;
  const power = str(own(data, 'power_state'));
  const az = str(own(data, 'availability_zone'));
  return compact({
    id,
    name: str(own(data, 'display_name')),
    hostId: ((h) => (h === undefined ? undefined : hostOf(h)))(str(own(data, 'host'))),
    cluster: az,
    vcpus: vcpus !== undefined && vcpus > 0 && Number.isInteger(vcpus) ? vcpus : undefined,
    memoryMiB: mem,
    powerState: power ? POWER[power] : undefined,
    guestOs: str(own(data, 'os_type')),
    nics: nics && nics.length > 0 ? nics : undefined,
    labels: labels(data, flavor),
  });
}

function labels(data: JsonRecord, flavor: unknown): Record<string, string> | undefined {
  const l = compact({ project: str(own(data, 'tenant_id')), flavor: str(own(flavor, 'name')) }) as Record<
    string,
    string
  >;
  return Object.keys(l).length > 0 ? l : undefined;
}

function eventTime(msg: JsonRecord, data: JsonRecord): string | undefined {
  // oslo timestamps are `2024-01-02 03:04:05.123456` in UTC, without an offset.
  const ts = own(msg, 'timestamp');
  const t = rfc3339(ts) ?? (typeof ts === 'string' ? rfc3339(`${ts.trim()}Z`) : undefined);
  return (
    t ??
    rfc3339(own(data, 'updated_at')) ??
    rfc3339(own(data, 'terminated_at')) ??
    rfc3339(own(data, 'last_seen_up')) ??
    rfc3339(own(data, 'launched_at')) ??
    rfc3339(own(data, 'created_at'))
  );
}

/** instance.* actions that become events; every other instance notification is ignored. */
const INSTANCE_ACTIONS = new Set([
  'create.end',
  'update',
  'exists',
  'resize_finish.end',
  'resize_revert.end',
  'unshelve.end',
  'rebuild.end',
  'delete.end',
  'soft_delete.end',
  'power_on.end',
  'resume.end',
  'unpause.end',
  'power_off.end',
  'shutdown.end',
  'shelve_offload.end',
  'suspend.end',
  'pause.end',
  'evacuate',
  'evacuate.end',
  'live_migration_post_dest.end',
  'live_migration_post.end',
]);

/** Why a service or instance notification is of no use, decided from its type and service alone; else undefined. */
function unusedReason(eventType: string, data: JsonRecord): string | undefined {
  if (eventType.startsWith('service.')) {
    const binary = own(data, 'binary');
    // service.delete of another service (nova-conductor on a compute node) must not remove the hypervisor.
    if (eventType === 'service.delete' ? binary !== undefined && binary !== 'nova-compute' : binary !== 'nova-compute')
      return `${eventType} (${String(binary)}: not a hypervisor)`;
    return undefined;
  }
  const action = eventType.replace(/^instance\./, '');
  if (INSTANCE_ACTIONS.has(action)) return undefined;
  if (action.startsWith('live_migration')) return `${eventType} (migration phase before the instance changes host)`;
  return eventType;
}

/**
 * A compute host scoped by the region or cell the notifications came from (issue 15 item 1): host names repeat
 * across regions, instance UUIDs do not, so only host ids are scoped. Without a scope host ids stay bare.
 */
export function novaHostId(scope: string | undefined, host: string): string {
  return scope === undefined || scope === '' ? host : `nova:${scope}/${host}`;
}

export function normaliseNova(value: unknown, loc: RecordLocation, scope?: string): Outcomes {
  const hostOf = (h: string) => novaHostId(scope, h);
  if (!isRecord(value))
    return [rejected('nova', loc, `a Nova notification must be a JSON object, got ${jsonType(value)}`)];
  const un = unwrapOslo(value);
  if ('error' in un) return [rejected('nova', loc, un.error, un.field)];
  const { msg, prefix } = un;
  const eventType = own(msg, 'event_type');
  if (typeof eventType !== 'string' || eventType === '') {
    return [rejected('nova', loc, `event_type must be a string, got ${jsonType(eventType)}`, `${prefix}event_type`)];
  }
  // Types hyperaudit never uses (aggregate.*, scheduler.*, metrics.*, compute.exception, legacy unversioned ones)
  // are ignored before anything else is checked: their payloads and times are not ours to judge (issue 15 item 14).
  if (!eventType.startsWith('service.') && !eventType.startsWith('instance.'))
    return [ignored('nova', loc, `${eventType} (not an instance or compute-service notification)`)];
  const payload = own(msg, 'payload');
  const data = own(payload, 'nova_object.data');
  if (!isRecord(data)) {
    return [
      rejected(
        'nova',
        loc,
        `${eventType}: payload.nova_object.data must be an object (versioned notification)`,
        `${prefix}payload.nova_object.data`,
      ),
    ];
  }
  const unused = unusedReason(eventType, data);
  if (unused !== undefined) return [ignored('nova', loc, unused)];
  const time = eventTime(msg, data);
  if (!time)
    return [rejected('nova', loc, `${eventType}: no timestamp and no updated_at in the payload`, `${prefix}timestamp`)];
  const messageId = str(own(msg, 'message_id'));
  const idBase = messageId ? `nova:${messageId}` : contentId('nova', msg);
  const make = (type: string, body: Record<string, unknown>) =>
    emit('nova', loc, { id: `${idBase}:${type}`, time, type, source: 'nova', ...body });

  if (eventType === 'service.update' || eventType.startsWith('service.')) {
    const host = str(own(data, 'host'));
    if (!host)
      return [rejected('nova', loc, `${eventType}: payload has no host`, `${prefix}payload.nova_object.data.host`)];
    if (eventType === 'service.delete') return [make('host.remove', { host: { id: hostOf(host) } })];
    const down = own(data, 'forced_down') === true;
    return [
      make('host.upsert', {
        host: compact({
          id: hostOf(host),
          name: host,
          cluster: str(own(data, 'availability_zone')),
          hypervisor: { vendor: 'kvm' },
          connectionState: down ? 'notResponding' : 'connected',
          // A disabled compute service takes no new instances: the Nova equivalent of maintenance mode.
          maintenanceMode: typeof own(data, 'disabled') === 'boolean' ? own(data, 'disabled') : undefined,
        }),
      }),
    ];
  }

  if (!eventType.startsWith('instance.')) return [ignored('nova', loc, eventType)];
  const uuid = own(data, 'uuid');
  if (typeof uuid !== 'string' || uuid === '') {
    return [
      rejected(
        'nova',
        loc,
        `${eventType}: instance uuid must be a string, got ${jsonType(uuid)}`,
        `${prefix}payload.nova_object.data.uuid`,
      ),
    ];
  }
  const host = str(own(data, 'host'));
  const action = eventType.replace(/^instance\./, '');

  switch (action) {
    case 'create.end':
    case 'update':
    case 'exists':
    case 'resize_finish.end':
    case 'resize_revert.end':
    case 'unshelve.end':
    case 'rebuild.end':
      return [make('vm.upsert', { vm: instanceVm(data, uuid, hostOf) })];
    case 'delete.end':
    case 'soft_delete.end':
      return [make('vm.remove', { vm: { id: uuid } })];
    case 'power_on.end':
    case 'resume.end':
    case 'unpause.end':
      return [make('vm.power_on', { vm: { id: uuid } })];
    case 'power_off.end':
    case 'shutdown.end':
    case 'shelve_offload.end':
      return [make('vm.power_off', { vm: { id: uuid } })];
    case 'suspend.end':
    case 'pause.end':
      return [make('vm.upsert', { vm: { id: uuid, powerState: 'suspended' } })];
    case 'evacuate':
    case 'evacuate.end':
      if (!host)
        return [
          rejected(
            'nova',
            loc,
            `${eventType}: payload names no destination host`,
            `${prefix}payload.nova_object.data.host`,
          ),
        ];
      return [make('vm.migrate', { migrate: { vmId: uuid, toHostId: hostOf(host), kind: 'evacuate' } })];
    case 'live_migration_post_dest.end':
      // Sent by the destination once the instance runs there: this is the phase that moves the VM.
      if (!host)
        return [rejected('nova', loc, `${eventType}: payload names no host`, `${prefix}payload.nova_object.data.host`)];
      return [make('vm.migrate', { migrate: compact({ vmId: uuid, toHostId: hostOf(host), kind: 'live' }) })];
    case 'live_migration_post.end': {
      // Sent by the source; the payload's host is the destination only if Nova already switched it.
      const from = publisherHost(msg);
      if (host && from && host !== from) {
        return [
          make('vm.migrate', {
            migrate: { vmId: uuid, fromHostId: hostOf(from), toHostId: hostOf(host), kind: 'live' },
          }),
        ];
      }
      return [
        ignored(
          'nova',
          loc,
          `${eventType} (host unchanged in payload; the move is taken from live_migration_post_dest.end)`,
        ),
      ];
    }
    default:
      if (action.startsWith('live_migration'))
        return [ignored('nova', loc, `${eventType} (migration phase before the instance changes host)`)];
      return [ignored('nova', loc, eventType)];
  }
}
