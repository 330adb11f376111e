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

/** The newest `updatedAt` of these entities, or `since` when none is newer. */
export function newestUpdate(
  entities: Iterable<{ updatedAt?: string }>,
  since: string | undefined = undefined,
): string | undefined {
  let newest = since;
  for (const e of entities)
    if (e.updatedAt !== undefined && (newest === undefined || compareTimes(e.updatedAt, newest) > 0))
      newest = e.updatedAt;
  return newest;
}

export function fleetMark(fleet: Fleet): FleetMark {
  let newest: string | undefined;
  for (const map of [fleet.hosts, fleet.vms, fleet.perimeters] as const)
    newest = newestUpdate(map.values() as Iterable<{ updatedAt?: string }>, newest);
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
