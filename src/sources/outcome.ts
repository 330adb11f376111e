import type { z } from 'zod';
import { FleetEventSchema } from '../model/event';
import { issuesInWords } from './issue-words';
import type { RecordLocation, SourceName, SourceOutcome } from './types';

/** `vm.nics.0.network`-style path of the first zod issue, so a person can find the offending field. */
export function issueField(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const first = issues[0];
  if (!first || first.path.length === 0) return undefined;
  return first.path.map((p) => String(p)).join('.');
}

/**
 * `fieldPrefix` tells where the failing event field came from when that is not the input's own path
 * (`vHost:` + `host.id`). Every event a normaliser builds passes through here: a candidate that the canonical schema refuses becomes a
 * rejection naming the field, never an event that would poison the store.
 */
export function emit(source: SourceName, loc: RecordLocation, candidate: unknown, fieldPrefix = ''): SourceOutcome {
  const parsed = FleetEventSchema.safeParse(candidate);
  if (parsed.success) return { kind: 'event', source, event: parsed.data, ...loc };
  const f = issueField(parsed.error.issues);
  return rejected(
    source,
    loc,
    `${source} record does not make a valid event: ${issuesInWords(parsed.error.issues, fieldPrefix)}`,
    f === undefined ? undefined : `${fieldPrefix}${f}`,
  );
}

export function ignored(source: SourceName | undefined, loc: RecordLocation, reason: string): SourceOutcome {
  return { kind: 'ignored', ...(source ? { source } : {}), ...loc, reason };
}

export function rejected(
  source: SourceName | undefined,
  loc: RecordLocation,
  reason: string,
  field?: string,
): SourceOutcome {
  return { kind: 'rejected', ...(source ? { source } : {}), ...loc, reason, ...(field !== undefined ? { field } : {}) };
}

/** Normalisers return a list: most records give one outcome, some give none or several. */
export type Outcomes = SourceOutcome[];
