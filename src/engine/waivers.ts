import { z } from 'zod';
import type { ResourceType } from '../model/finding';
import { globToRegExp } from './glob';

const DateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const WaiverSchema = z
  .object({
    /** Glob over the resource id, e.g. `vm-db-*`. */
    resource: z.string().min(1),
    /** Optional resource type the waiver is limited to. */
    resourceType: z.enum(['host', 'vm', 'cluster', 'perimeter']).optional(),
    /** Rule id or glob, e.g. `esxi.ssh-disabled` or `vm.isolation-*`. */
    rule: z.string().min(1),
    reason: z.string().min(1),
    owner: z.string().min(1),
    /** A date (valid through that UTC day) or an RFC 3339 date-time. Required: waivers must run out. */
    expires: DateOrDateTime,
  })
  .strict();
export const WaiverFileSchema = z.object({ $schema: z.string().optional(), waivers: z.array(WaiverSchema) }).strict();

export type Waiver = z.infer<typeof WaiverSchema>;

export class WaiverFileError extends Error {
  override readonly name = 'WaiverFileError';
}

/** Validates a parsed waivers file; errors name the file and the JSON path of the bad field. */
export function parseWaivers(value: unknown, file: string): Waiver[] {
  const result = WaiverFileSchema.safeParse(value);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 5).map((i) => `${file}: /${i.path.map(String).join('/')} ${i.message}`);
    throw new WaiverFileError(`waivers refused:\n  ${lines.join('\n  ')}`);
  }
  return result.data.waivers;
}

export function parseWaiverText(text: string, file: string): Waiver[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new WaiverFileError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseWaivers(value, file);
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
  const compiled = waivers.map((w) => ({ w, rule: globToRegExp(w.rule), resource: globToRegExp(w.resource), end: waiverEnd(w) }));
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
