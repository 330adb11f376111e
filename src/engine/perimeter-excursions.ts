import type { VmView } from '../model/fleet';
import type { FleetIndex } from './fleet-index';
import { perimetersOfHost } from './host-perimeters';

/** One move of a VM while it was outside the perimeters it started from, or the move that took it out or back. */
export interface ExcursionLeg {
  eventId: string;
  time: string;
  kind: string;
  fromHostId: string;
  toHostId: string;
  fromPerimeters: readonly string[];
  toPerimeters: readonly string[];
  /** The event named another source host than the VM's placement history: the history's is `fromHostId`. */
  reportedFromHostId?: string;
  /** `state` when the source host came from the placement history, the event naming none (libvirt, Nova). */
  fromHostSource?: 'event' | 'state';
}

/**
 * A VM's time outside the perimeter set of the host it left (issue 15 item 5): from the move that crossed out to
 * the move that brought it back to a host of that set (`open` until then), with every leg in between.
 */
export interface Excursion {
  home: readonly string[];
  open: boolean;
  legs: ExcursionLeg[];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Back inside: the host's perimeter set is home's, or it admits the VM's own perimeter that home admitted. */
function backHome(home: readonly string[], to: readonly string[], own: string | undefined): boolean {
  return sameList(home, to) || (own !== undefined && home.includes(own) && to.includes(own));
}

/** The VM's excursions, oldest first, from its movements whose hosts are both still known. */
export function perimeterExcursions(index: FleetIndex, vm: VmView): Excursion[] {
  const out: Excursion[] = [];
  let current: Excursion | undefined;
  for (const m of vm.movements) {
    if (m.kind === 'clone' || m.fromHostId === undefined || m.toHostId === undefined) continue;
    const from = index.fleet.hosts.get(m.fromHostId);
    const to = index.fleet.hosts.get(m.toHostId);
    if (!from || !to) continue;
    const fromPerimeters = perimetersOfHost(index, from);
    const toPerimeters = perimetersOfHost(index, to);
    const leg: ExcursionLeg = {
      eventId: m.eventId,
      time: m.time,
      kind: m.kind,
      fromHostId: from.id,
      toHostId: to.id,
      fromPerimeters,
      toPerimeters,
      ...(m.reportedFromHostId !== undefined && { reportedFromHostId: m.reportedFromHostId }),
      ...(m.fromHostSource !== undefined && { fromHostSource: m.fromHostSource }),
    };
    if (current === undefined) {
      if (sameList(fromPerimeters, toPerimeters)) continue;
      current = { home: fromPerimeters, open: true, legs: [leg] };
      out.push(current);
    } else {
      current.legs.push(leg);
    }
    if (current.legs.length > 1 && backHome(current.home, toPerimeters, vm.perimeter)) {
      current.open = false;
      current = undefined;
    }
  }
  return out;
}
