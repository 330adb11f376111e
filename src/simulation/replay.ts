/**
 * Placement over time from the stored event history: the fleet as it stood at the window start, then every
 * event inside the window applied in event order, recording for each VM the step from which it runs on a
 * host (or on none). A change at time t takes effect from the first step that starts at or after t.
 */
import { compareEvents, eventSubject, sortEvents, type FleetEvent } from '../model/event';
import { compareIds } from '../model/event-order';
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
import { isSingleUpsert, singleUpsertOf, upsertedField, type SingleUpsert } from '../model/single-upsert';
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

function runningHost(state: EntityState | SingleUpsert | undefined): string | null {
  if (!state) return null;
  // A single upsert is live, and its fields are the upsert's own.
  const single = isSingleUpsert(state);
  if (!single && !isLive(state)) return null;
  const power = single ? upsertedField(state, 'powerState') : state.fields.powerState?.v;
  if (power !== undefined && power !== 'poweredOn') return null;
  const host = single ? upsertedField(state, 'hostId') : state.fields.hostId?.v;
  return typeof host === 'string' ? host : null;
}

/**
 * Date.parse that remembers the last text it parsed: a history comes in batches whose events share one time (an
 * ingest stamps all of them), and parsing the same text 100,000 times over cost more than the rest of a step.
 */
function timeParser(): (time: string) => number {
  let last: string | undefined;
  let lastMs = 0;
  return (time) => {
    if (time !== last) {
      last = time;
      lastMs = Date.parse(time);
    }
    return lastMs;
  };
}

function inOrder(events: readonly FleetEvent[]): boolean {
  const ms = timeParser();
  for (let i = 1; i < events.length; i++) {
    const a = events[i - 1]!;
    const b = events[i]!;
    // The same parsable time text compares equal (compareTimes), so the ids decide, without parsing it again.
    const order = a.time === b.time && !Number.isNaN(ms(a.time)) ? compareIds(a.id, b.id) : compareEvents(a, b);
    if (order > 0) return false;
  }
  return true;
}

export function replayHistory(history: readonly FleetEvent[], window: ReplayWindow): ReplayResult {
  // Stores hand the history over in event order already; checking that is one pass, copying and sorting is not.
  const events = inOrder(history) ? history : sortEvents([...history]);
  const spanMs = window.steps * window.stepSeconds * 1000;
  const ms = timeParser();
  const newest = events.length > 0 ? ms(events[events.length - 1]!.time) : 0;
  const startMs = window.startMs ?? newest - spanMs + window.stepSeconds * 1000;
  const endMs = startMs + spanMs;
  /**
   * An entity whose history so far is one plain upsert is kept as that upsert (most of a fleet ingested once): it is
   * folded into a state only when a second event comes, and materialised from the upsert otherwise.
   */
  const states = new Map<string, EntityState | SingleUpsert>();
  /** The subject's folded state, folding its single upsert first if that is what it has. */
  const folded = (key: string, entity: EntityState | SingleUpsert): EntityState => {
    if (!isSingleUpsert(entity)) return entity;
    const state = applyEvent(emptyState(entity.kind, entity.id), entity.event);
    states.set(key, state);
    return state;
  };
  /** `before`: the subject's entity when the caller has looked it up already (undefined: not there yet). */
  const apply = (
    event: FleetEvent,
    subject = eventSubject(event),
    key = `${subject.kind}#${subject.id}`,
    before = states.get(key),
  ): EntityState | SingleUpsert => {
    if (before === undefined) {
      const single = singleUpsertOf(event);
      if (single) {
        states.set(key, single);
        return single;
      }
    }
    let state: EntityState;
    if (before) state = folded(key, before);
    else {
      state = emptyState(subject.kind, subject.id);
      states.set(key, state);
    }
    return applyEvent(state, event);
  };

  /** Entities of a scope whose inventory snapshot just became whole: the ones it no longer lists are removed now. */
  const membersOf = (scope: EntityState) => {
    const inventories = new Map([[scope.id, wholeInventories(scope)]]);
    const members: { state: EntityState; inventories: typeof inventories }[] = [];
    // A single upsert names no scope: never a member.
    for (const s of states.values())
      if (!isSingleUpsert(s) && s.scope?.v === scope.id && (s.kind === 'vm' || s.kind === 'host'))
        members.push({ state: s, inventories });
    return members;
  };

  let i = 0;
  for (; i < events.length && ms(events[i]!.time) <= startMs; i++) apply(events[i]!);
  for (const state of states.values())
    if (!isSingleUpsert(state) && state.kind === 'scope')
      for (const m of membersOf(state)) applyInventories(m.state, m.inventories);

  const placement = new Map<string, PlacementSegment[]>();
  for (const state of states.values()) {
    if (state.kind === 'vm') placement.set(state.id, [{ fromStep: 0, hostId: runningHost(state) }]);
  }
  // Entities removed inside the window still ran part of it: keep their last live shape.
  const lastLive = new Map<string, Record<string, unknown>>();
  let changes = 0;
  const place = (state: EntityState | SingleUpsert, step: number) => {
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
    const t = ms(event.time);
    if (t >= endMs) break;
    const subject = eventSubject(event);
    const key = `${subject.kind}#${subject.id}`;
    const found = states.get(key);
    // A second event of an entity folds its single upsert: what follows reads and applies to the state.
    const before = found && folded(key, found);
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
    if (!isSingleUpsert(state) && state.kind === 'scope') {
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
