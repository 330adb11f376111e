import type { AuditStamp } from '../engine/audit-result';
import type { Fleet } from '../model/fleet';
import { compareTimes } from '../model/event-order';

export type { AuditStamp };

/** Entity counts and newest event time of a fleet: an audit is current while they have not moved. */
export interface FleetMark {
  hosts: number;
  vms: number;
  perimeters: number;
  newestEventAt?: string;
}

export function fleetMark(fleet: Fleet): FleetMark {
  let newest: string | undefined;
  for (const map of [fleet.hosts, fleet.vms, fleet.perimeters] as const)
    for (const e of map.values() as Iterable<{ updatedAt?: string }>)
      if (e.updatedAt !== undefined && (newest === undefined || compareTimes(e.updatedAt, newest) > 0))
        newest = e.updatedAt;
  return {
    hosts: fleet.hosts.size,
    vms: fleet.vms.size,
    perimeters: fleet.perimeters.size,
    ...(newest !== undefined && { newestEventAt: newest }),
  };
}

export function sameMark(a: FleetMark | undefined, b: FleetMark): boolean {
  return (
    a !== undefined &&
    a.hosts === b.hosts &&
    a.vms === b.vms &&
    a.perimeters === b.perimeters &&
    a.newestEventAt === b.newestEventAt
  );
}

/** One line for terminals and Slack. */
export function stampLine(s: AuditStamp): string {
  return `audit ${s.auditedAt}, profile ${s.profile}, ${s.rulePackVersion}, newest event ${s.newestEventAt ?? 'none'}`;
}
