import { z } from 'zod';
import type { ResourceType } from '../model/finding';
import { compileGlob, MAX_GLOB_LENGTH } from './glob';
import { jsonErrorMessage } from '../sources/json-position';

const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const WaiverSchema = z
  .object({
    /** Glob over the resource id, e.g. `vm-db-*`. */
    resource: z.string().min(1).max(MAX_GLOB_LENGTH),
    /** Optional resource type the waiver is limited to. */
    resourceType: z.enum(['host', 'vm', 'cluster', 'perimeter']).optional(),
    /** Rule id or glob, e.g. `esxi.ssh-disabled` or `vm.isolation-*`. */
    rule: z.string().min(1).max(MAX_GLOB_LENGTH),
    reason: z.string().min(1).max(2000),
    owner: z.string().min(1).max(256),
    /** A date (valid through that UTC day) or an RFC 3339 date-time. Required: waivers must run out. */
    expires: DateOrDateTime,
  })
  .strict();
export const WaiverFileSchema = z
  .object({ $schema: z.string().optional(), waivers: z.array(WaiverSchema).max(10_000) })
  .strict();

/** Waivers must run out: one given today may last at most this long unless the operator configures otherwise. */
export const DEFAULT_MAX_WAIVER_DAYS = 365;

export interface WaiverPolicy {
  /** The time the waivers are given; expiry is measured from it. */
  now: string;
  /** Longest lifetime a waiver may have, in days (`--max-waiver-days`, HYPERAUDIT_MAX_WAIVER_DAYS). */
  maxDays: number;
}

export type Waiver = z.infer<typeof WaiverSchema>;

export class WaiverFileError extends Error {
  override readonly name = 'WaiverFileError';
}

/**
 * Validates a parsed waivers file; errors name the file and the JSON path of the bad field. With a policy,
 * a waiver expiring further ahead than `maxDays` from `now` is refused too (checked when waivers are given,
 * not when stored ones are read back: those were checked when they were given).
 */
export function parseWaivers(value: unknown, file: string, policy?: WaiverPolicy): Waiver[] {
  const result = WaiverFileSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 5).map((i) => `${file}: /${i.path.map(String).join('/')} ${i.message}`);
    throw new WaiverFileError(`waivers refused:\n  ${lines.join('\n  ')}`);
  }
  if (policy !== undefined) {
    const limit = Date.parse(policy.now) + policy.maxDays * 86_400_000;
    const tooLong = result.data.waivers.flatMap((w, i) =>
      waiverEnd(w) > limit
        ? [
            `${file}: /waivers/${i}/expires ${w.expires} is more than ${policy.maxDays} days ahead (the longest a waiver may last; --max-waiver-days to change)`,
          ]
        : [],
    );
    if (tooLong.length > 0) throw new WaiverFileError(`waivers refused:\n  ${tooLong.slice(0, 5).join('\n  ')}`);
  }
  return result.data.waivers;
}

/** The lifetime cap from the environment, or the default; a value that is not a positive whole number is refused. */
export function maxWaiverDaysFrom(value: string | number | undefined): number {
  if (value === undefined || value === '') return DEFAULT_MAX_WAIVER_DAYS;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 36_500)
    throw new WaiverFileError(`max waiver days ${JSON.stringify(value)}: a whole number of days from 1 to 36500`);
  return n;
}

/**
 * Stored waivers are read back through the same schema: a value written by an older version (an unbounded
 * pattern, say) is refused with the store key, instead of being trusted by every later audit.
 */
export function parseStoredWaivers(value: unknown, key: string): Waiver[] {
  return parseWaivers({ waivers: value }, `stored ${key}`);
}

export function parseWaiverText(text: string, file: string, policy?: WaiverPolicy): Waiver[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message echoes the text; a waivers file is input like any other, so it is not quoted.
    throw new WaiverFileError(`${file}: not valid JSON: ${jsonErrorMessage(err)}`);
  }
  return parseWaivers(value, file, policy);
}

/** The instant a waiver stops applying: a bare date lasts through that UTC day. */
export function waiverEnd(w: Pick<Waiver, 'expires'>): number {
  return w.expires.length === 10 ? Date.parse(`${w.expires}T00:00:00Z`) + 86_400_000 : Date.parse(w.expires);
}

export interface WaiverMatcher {
  /** The first unexpired waiver covering the finding, if any. */
  match(ruleId: string, resourceType: ResourceType, resourceId: string, now: string): Waiver | undefined;
}

export function waiverMatcher(waivers: readonly Waiver[]): WaiverMatcher {
  const compiled = waivers.map((w) => ({
    w,
    rule: compileGlob(w.rule),
    resource: compileGlob(w.resource),
    end: waiverEnd(w),
  }));
  let lastNow = '';
  let t = 0;
  return {
    match(ruleId, resourceType, resourceId, now) {
      if (compiled.length === 0) return undefined;
      if (now !== lastNow) {
        lastNow = now;
        t = Date.parse(now);
      }
      for (const c of compiled) {
        if (t >= c.end) continue;
        if (c.w.resourceType !== undefined && c.w.resourceType !== resourceType) continue;
        if (c.rule.test(ruleId) && c.resource.test(resourceId)) return c.w;
      }
      return undefined;
    },
  };
}
