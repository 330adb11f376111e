/**
 * The clock port: where every use case and policy gets "now". Nothing below the entry points reads the system
 * time itself, so a run has one time throughout (the workflow's steps, a replay, a test) and tests need no
 * fake timers.
 */
export interface Clock {
  now(): Date;
}

/** The machine's clock; entry points (CLI commands, handlers, `serve`) pass it in. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one instant: a workflow run's time, a test's. */
export function fixedClock(at: Date | string | number): Clock {
  const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : at;
  if (Number.isNaN(ms)) throw new RangeError(`fixed clock: ${JSON.stringify(String(at))} is not a time`);
  // A fresh Date per call: a caller that mutates the one it got cannot move the clock.
  return { now: () => new Date(ms) };
}

/** The clock's time as ISO 8601, the form stored records carry. */
export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
