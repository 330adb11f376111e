/**
 * Placement over time from the stored event history: the fleet as it stood at the window start, then every
 * event inside the window applied in event order, recording for each VM the step from which it runs on a
 * host (or on none). A change at time t takes effect from the first step that starts at or after t.
 */
import { getOrCreate } from '../model/get-or-create';
import { compareEvents, eventSubject, sortEvents, type FleetEvent } from '../model/event';
import {
  applyEvent,
  applyInventories,
  emptyState,
  isLive,
  toPlain,
  wholeInventories,
  type EntityState,
} from '../model/entity-state';
import { materialiseFleet, type Fleet, type HostView, type VmView } from '../model/fleet';
import type { PlacementSegment } from './placement';

export interface ReplayWindow {
  steps: number;
  stepSeconds: number;
  /** Epoch ms of step 0; default: the newest event falls in the last step, so the window ends on today's placement. */
  startMs?: number;
}

export interface ReplayResult {
  fleet: Fleet;
  placement: Map<string, PlacementSegment[]>;
  startMs: number;
  /** Events inside the window that changed where a VM runs. */
  placementChanges: number;
}

function runningHost(state: EntityState | undefined): string | null {
  if (!state || !isLive(state)) return null;
  const power = state.fields.powerState?.v;
  if (power !== undefined && power !== 'poweredOn') return null;
  const host = state.fields.hostId?.v;
  return typeof host === 'string' ? host : null;
}

function inOrder(events: readonly FleetEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (compareEvents(events[i - 1]!, events[i]!) > 0) return false;
  return true;
}

export function replayHistory(history: readonly FleetEvent[], window: ReplayWindow): ReplayResult {
  // Stores hand the history over in event order already; checking that is one pass, copying and sorting is not.
  const events = inOrder(history) ? history : sortEvents([...history]);
  const spanMs = window.steps * window.stepSeconds * 1000;
  const newest = events.length > 0 ? Date.parse(events[events.length - 1]!.time) : 0;
  const startMs = window.startMs ?? newest - spanMs + window.stepSeconds * 1000;
  const endMs = startMs + spanMs;
  const states = new Map<string, EntityState>();
  /** `before`: the subject's state when the caller has looked it up already (undefined: not there yet). */
  const apply = (
    event: FleetEvent,
    subject = eventSubject(event),
    key = `${subject.kind}#${subject.id}`,
    before?: EntityState,
  ) => {
    const state = before ?? getOrCreate(states, key, () => emptyState(subject.kind, subject.id));
    applyEvent(state, event);
    return state;
  };

  /** Entities of a scope whose inventory snapshot just became whole: the ones it no longer lists are removed now. */
  const membersOf = (scope: EntityState) => {
    const inventories = new Map([[scope.id, wholeInventories(scope)]]);
    return [...states.values()]
      .filter((s) => s.scope?.v === scope.id && (s.kind === 'vm' || s.kind === 'host'))
      .map((s) => ({ state: s, inventories }));
  };

  let i = 0;
  for (; i < events.length && Date.parse(events[i]!.time) <= startMs; i++) apply(events[i]!);
  for (const state of states.values())
    if (state.kind === 'scope') for (const m of membersOf(state)) applyInventories(m.state, m.inventories);

  const placement = new Map<string, PlacementSegment[]>();
  for (const state of states.values()) {
    if (state.kind === 'vm') placement.set(state.id, [{ fromStep: 0, hostId: runningHost(state) }]);
  }
  // Entities removed inside the window still ran part of it: keep their last live shape.
  const lastLive = new Map<string, Record<string, unknown>>();
  let changes = 0;
  const place = (state: EntityState, step: number) => {
    const host = runningHost(state);
    const segments = placement.get(state.id) ?? [{ fromStep: 0, hostId: null }];
    placement.set(state.id, segments);
    const last = segments[segments.length - 1]!;
    if (last.hostId === host) return;
    changes++;
    if (last.fromStep === step) last.hostId = host;
    else segments.push({ fromStep: step, hostId: host });
  };
  for (; i < events.length; i++) {
    const event = events[i]!;
    const t = Date.parse(event.time);
    if (t >= endMs) break;
    const subject = eventSubject(event);
    const key = `${subject.kind}#${subject.id}`;
    const before = states.get(key);
    if (before && isLive(before) && (event.type === 'vm.remove' || event.type === 'host.remove')) {
      lastLive.set(key, { ...toPlain(before), ...(before.kind === 'vm' && { movements: before.movements }) });
    }
    // A move out of a host the VM had no recorded placement on (its placing event expired): the move says
    // where it ran until then.
    if (event.type === 'vm.migrate' && event.migrate.fromHostId !== undefined && before?.fields.hostId === undefined) {
      const power = before?.fields.powerState?.v;
      const segments = placement.get(subject.id);
      if (
        (power === undefined || power === 'poweredOn') &&
        (segments === undefined || (segments.length === 1 && segments[0]!.hostId === null))
      ) {
        placement.set(subject.id, [{ fromStep: 0, hostId: event.migrate.fromHostId }]);
      }
    }
    const state = apply(event, subject, key, before);
    const step = Math.max(0, Math.ceil((t - startMs) / (window.stepSeconds * 1000)));
    if (state.kind === 'scope') {
      for (const m of membersOf(state)) {
        const wasLive = isLive(m.state);
        const plain = wasLive
          ? { ...toPlain(m.state), ...(m.state.kind === 'vm' && { movements: m.state.movements }) }
          : undefined;
        applyInventories(m.state, m.inventories);
        if (!plain || isLive(m.state)) continue;
        lastLive.set(`${m.state.kind}#${m.state.id}`, plain);
        if (m.state.kind === 'vm') place(m.state, step);
      }
      continue;
    }
    if (state.kind === 'vm') place(state, step);
  }

  const fleet = materialiseFleet(states.values());
  for (const [key, plain] of lastLive) {
    const id = plain.id as string;
    if (key.startsWith('vm#') && !fleet.vms.has(id)) fleet.vms.set(id, plain as unknown as VmView);
    if (key.startsWith('host#') && !fleet.hosts.has(id)) fleet.hosts.set(id, plain as unknown as HostView);
  }
  for (const vm of fleet.vms.values()) {
    if (vm.cluster !== undefined || vm.hostId === undefined) continue;
    const cluster = fleet.hosts.get(vm.hostId)?.cluster;
    if (cluster !== undefined) vm.cluster = cluster;
  }
  return { fleet, placement, startMs, placementChanges: changes };
}
