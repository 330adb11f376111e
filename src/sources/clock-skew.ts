/**
 * The clock-skew policy. An event's own time orders state (newest write wins), so an event dated far ahead
 * would win every later comparison and pin a field, or keep a VM removed, for good. Events more than
 * `maxAheadSeconds` ahead of the receiving clock are therefore refused at ingest, and ones already stored
 * are left out of the fold (docs/events.md, "Clock skew").
 */

import { systemClock, type Clock } from '../model/ports/clock';

/** 15 minutes: well beyond NTP-synced skew, far short of what could pin state for long. */
export const DEFAULT_MAX_AHEAD_SECONDS = 900;
/** Environment variable read by the CLI (`ingest`, `serve`, `events`) and the deployed ingest function. */
export const MAX_CLOCK_SKEW_ENV = 'HYPERAUDIT_MAX_CLOCK_SKEW_SECONDS';
/** A week: a larger limit would make the policy meaningless. */
export const MAX_ALLOWED_SKEW_SECONDS = 7 * 86_400;

export interface FuturePolicy {
  clock: Clock;
  maxAheadSeconds: number;
}

export const defaultFuturePolicy = (clock: Clock = systemClock): FuturePolicy => ({
  clock,
  maxAheadSeconds: DEFAULT_MAX_AHEAD_SECONDS,
});

/** Parses a configured limit (whole seconds, 0 to a week); `where` names the option, variable or context key. */
export function parseMaxAheadSeconds(raw: string, where: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > MAX_ALLOWED_SKEW_SECONDS) {
    throw new RangeError(
      `${where} must be a whole number of seconds from 0 to ${MAX_ALLOWED_SKEW_SECONDS}, got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return n;
}

/** The limit from an option if given, else the environment variable, else the default. */
export function maxAheadSecondsFrom(option: string | undefined, env: NodeJS.ProcessEnv, optionName: string): number {
  if (option !== undefined) return parseMaxAheadSeconds(option, optionName);
  const fromEnv = env[MAX_CLOCK_SKEW_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseMaxAheadSeconds(fromEnv, MAX_CLOCK_SKEW_ENV);
  return DEFAULT_MAX_AHEAD_SECONDS;
}

/** Epoch ms after which an event time is too far ahead under `policy`, read from its clock now. */
export function futureCutoffMs(policy: FuturePolicy): number {
  return policy.clock.now().getTime() + policy.maxAheadSeconds * 1000;
}

/** Why `time` is refused under `policy` ("N s ahead of the receiving clock, limit M s"), or undefined. */
export function futureTimeProblem(time: string, policy: FuturePolicy): string | undefined {
  const t = Date.parse(time);
  const now = policy.clock.now().getTime();
  if (!(t > now + policy.maxAheadSeconds * 1000)) return undefined;
  return `${Math.ceil((t - now) / 1000)} s ahead of the receiving clock, limit ${policy.maxAheadSeconds} s`;
}
