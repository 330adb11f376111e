import { fileURLToPath } from 'node:url';
import type { FleetEvent } from '../../src/model/event';
import { foldEvents } from '../../src/model/entity-state';
import { materialiseFleet, type Fleet } from '../../src/model/fleet';
import { readSources, type ReadSourcesOptions } from '../../src/sources/read-sources';
import type { SourceOutcome } from '../../src/sources/types';

export const FIXTURES = fileURLToPath(new URL('../fixtures/sources/', import.meta.url));

export function fixture(...parts: string[]): string {
  return `${FIXTURES}${parts.join('/')}`;
}

export async function collect(paths: string[], opts?: ReadSourcesOptions): Promise<SourceOutcome[]> {
  const out: SourceOutcome[] = [];
  for await (const o of readSources(paths, opts)) out.push(o);
  return out;
}

export function eventsOf(outcomes: SourceOutcome[]): FleetEvent[] {
  return outcomes.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
}

export function rejectedOf(outcomes: SourceOutcome[]) {
  return outcomes.filter((o): o is Extract<SourceOutcome, { kind: 'rejected' }> => o.kind === 'rejected');
}

export function ignoredOf(outcomes: SourceOutcome[]) {
  return outcomes.filter((o): o is Extract<SourceOutcome, { kind: 'ignored' }> => o.kind === 'ignored');
}

export function fleetOf(events: FleetEvent[]): Fleet {
  return materialiseFleet(foldEvents(events).values());
}

/** Finds the one event of a type about a subject, failing loudly if the mapping changed. */
export function only<T extends FleetEvent['type']>(events: FleetEvent[], type: T): Extract<FleetEvent, { type: T }>[] {
  return events.filter((e): e is Extract<FleetEvent, { type: T }> => e.type === type);
}
