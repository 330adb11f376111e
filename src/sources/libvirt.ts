import { contentId } from './ids';
import { domainKey, migratedDomainId, type LibvirtDomainIndex } from './libvirt/domain-index';
import { libvirtDomainNameId, libvirtHostId } from './scoped-id';
import { emit, ignored, rejected, type Outcomes } from './outcome';
import { rfc3339 } from './time';
import type { RecordLocation } from './types';

/**
 * `virsh event --all --loop --timestamp` output, one line per event:
 *   `2024-05-01 10:00:00.123+0000: event 'lifecycle' for domain 'web01': Started Booted`
 * Older virsh prints the domain without quotes. libvirt events carry no host: it is the connection that
 * emitted them, so a `# host: NAME` line (or the caller's host hint) says which host the stream is from.
 * Lines without the `--timestamp` prefix are rejected: a clock-based time would change on every re-ingest.
 * With a host, ids are scoped to it as `collect libvirt` scopes them (`libvirt:<host>`, and the domain's
 * collected `libvirt:<host>/<uuid>` found by name in `domains`, else `libvirt:<host>/name:<name>`); without
 * one they stay bare names.
 */
export interface LibvirtStreamState {
  host?: string;
  domains?: LibvirtDomainIndex;
}

const LINE =
  /^(?:(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?):\s*)?event '([^']+)' for domain (?:'((?:[^']|'(?!:))*)'|(\S+?)):?(?:\s+(.*))?$/;
const HOST_HEADER = /^#\s*host:\s*(\S.*?)\s*$/i;

export function looksLibvirtLine(line: string): boolean {
  return LINE.test(line.trim()) || HOST_HEADER.test(line.trim());
}

export function normaliseLibvirtLine(raw: string, loc: RecordLocation, state: LibvirtStreamState): Outcomes {
  const line = raw.trim();
  if (line === '' || /^events received:/i.test(line)) return [];
  const header = HOST_HEADER.exec(line);
  if (header) {
    state.host = header[1];
    return [];
  }
  if (line.startsWith('#')) return [];
  const m = LINE.exec(line);
  if (!m)
    return [
      rejected(
        'libvirt',
        loc,
        "not a `virsh event` line (expected \"event '<type>' for domain '<name>': <Event> <Detail>\")",
        'line',
      ),
    ];
  const [, stamp, evType, quotedName, bareName, rest] = m;
  const name = quotedName ?? bareName ?? '';
  if (name === '') return [rejected('libvirt', loc, 'empty domain name', 'domain')];
  if (evType !== 'lifecycle') return [ignored('libvirt', loc, `libvirt ${evType} event`)];
  if (!stamp)
    return [
      rejected(
        'libvirt',
        loc,
        'no timestamp: capture with `virsh event --timestamp` so event times are stable',
        'timestamp',
      ),
    ];
  const time = rfc3339(/[Zz]|[+-]\d{2}:?\d{2}$/.test(stamp) ? stamp : `${stamp}Z`);
  if (!time) return [rejected('libvirt', loc, `timestamp ${JSON.stringify(stamp)} is not a valid date`, 'timestamp')];
  // Detail labels can be several words (`I/O Error`, `Post-copy Error`, `Event wakeup`).
  const [event = '', ...detailWords] = (rest ?? '').trim().split(/\s+/);
  const detail = detailWords.join(' ');
  const migrationPhase = detail === 'Migrated' || detail.startsWith('Post-copy');
  const host = state.host;
  const hostId = host === undefined ? undefined : libvirtHostId(host);
  const vmId =
    host === undefined ? name : (state.domains?.get(domainKey(host, name)) ?? libvirtDomainNameId(host, name));
  const make = (type: string, body: Record<string, unknown>) =>
    emit('libvirt', loc, { id: contentId('libvirt', { host, line: line }), time, type, source: 'libvirt', ...body });
  const label = `libvirt ${event} ${detail}`.trim();
  switch (event) {
    case 'Defined':
      return [make('vm.upsert', { vm: { id: vmId, name, ...(hostId ? { hostId } : {}) } })];
    case 'Undefined':
      return detail === 'Renamed'
        ? [ignored('libvirt', loc, `${label} (the new name arrives as Defined Renamed)`)]
        : [make('vm.remove', { vm: { id: vmId } })];
    case 'Started':
      if (detail === 'Migrated') {
        if (!host)
          return [
            rejected(
              'libvirt',
              loc,
              'Started Migrated needs the destination host: add a `# host: NAME` line or pass the host hint',
              'host',
            ),
          ];
        const known = state.domains?.has(domainKey(host, name)) === true;
        const movedId = known || !state.domains ? undefined : migratedDomainId(state.domains, host, name);
        return [make('vm.migrate', { migrate: { vmId: movedId ?? vmId, toHostId: hostId, kind: 'live' } })];
      }
      return [make('vm.power_on', { vm: { id: vmId } })];
    case 'Stopped':
      if (detail === 'Migrated')
        return [
          ignored('libvirt', loc, `${label} (source side of a migration; the move is taken from Started Migrated)`),
        ];
      if (detail === 'Recreation')
        return [ignored('libvirt', loc, `${label} (the domain is being recreated; Started Recreation follows)`)];
      return [make('vm.power_off', { vm: { id: vmId } })];
    case 'Suspended':
    case 'PMSuspended':
      if (migrationPhase) return [ignored('libvirt', loc, `${label} (migration phase)`)];
      return [make('vm.upsert', { vm: { id: vmId, powerState: 'suspended' } })];
    case 'Resumed':
      if (migrationPhase) return [ignored('libvirt', loc, `${label} (migration phase)`)];
      return [make('vm.upsert', { vm: { id: vmId, powerState: 'poweredOn' } })];
    case 'Shutdown':
    case 'Crashed':
      // Shutdown is followed by Stopped; a crashed guest may be kept running (on_crash=preserve).
      return [ignored('libvirt', loc, label)];
    default:
      return [rejected('libvirt', loc, `unknown lifecycle event ${JSON.stringify(event)}`, 'event')];
  }
}
