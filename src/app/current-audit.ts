import type { Profile } from '../engine/types';
import type { Fleet } from '../model/fleet';
import { readState, STATE } from '../store/state-keys';
import { type AuditPorts, auditStampOf, runAudit } from './audit';
import { fleetMark, sameMark, type AuditStamp } from './audit-stamp';

export interface CurrentAudit {
  stamp: AuditStamp;
  /** Why the audit was run now; undefined when the stored one was current. */
  auditedBecause?: string;
  /** The fleet the stamp describes, as read for the check: what the caller shows next needs no second read. */
  fleet: Fleet;
}

/**
 * `report` and `notify` show findings, and findings are only as new as the audit that wrote them: after an ingest
 * they would show a clean fleet (issue 15 item 8). So when no audit is stored, or the fleet moved since the stored
 * one (other entity counts or a newer event), a full audit runs first, under the stored audit's profile
 * (default `scg`) and the waivers it stored.
 */
export async function ensureCurrentAudit(ports: AuditPorts, opts: { rulesDir?: string } = {}): Promise<CurrentAudit> {
  const { store } = ports;
  const [record, fleet] = await Promise.all([readState(store, STATE.auditLatest), store.loadFleet()]);
  if (record !== undefined && sameMark(record.fleet, fleetMark(fleet))) return { stamp: auditStampOf(record), fleet };
  const because =
    record === undefined
      ? 'no audit was stored'
      : record.fleet === undefined
        ? 'the stored audit predates fleet marks'
        : 'the fleet changed since the last audit';
  const { stamp } = await runAudit(ports, {
    profile: (record?.profile ?? 'scg') as Profile,
    full: true,
    fleet,
    ...(opts.rulesDir !== undefined && { rulesDir: opts.rulesDir }),
  });
  if (stamp === undefined) throw new Error('the audit ran but stored no run record');
  return { stamp, auditedBecause: because, fleet };
}
