import { readFileSync } from 'node:fs';
import { FleetEventSchema, type FleetEvent } from '../../../src/model/event';

const FIXTURES = new URL('../../fixtures/functions/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Canonical events of the small two-cluster fleet. */
export function fleetEvents(): FleetEvent[] {
  return fixtureText('fleet.ndjson')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => FleetEventSchema.parse(JSON.parse(l)));
}
