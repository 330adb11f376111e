import type { z } from 'zod';

/**
 * A zod issue as a person reads it: the field, then what the field needs ("time: needs a UTC offset such as Z"),
 * rather than zod's "Invalid ISO datetime" without the field. Every issue of a rejection is listed, not the
 * first one and a count.
 */

type Issue = z.core.$ZodIssue;

const MAX_LISTED = 10;

function received(message: string): string {
  const m = /received (\w+)/.exec(message);
  return m ? `, got ${m[1]}` : '';
}

function unit(origin: unknown): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

/** zod's type names as a person writing JSON or YAML knows them. */
const TYPE_WORDS: Record<string, string> = { record: 'map (object)', object: 'map (object)', array: 'list' };

function needs(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_format':
      if (issue.format === 'datetime')
        return 'needs an ISO 8601 date-time with a UTC offset such as Z (2026-11-25T10:00:00Z or …+02:00)';
      if (issue.format === 'date') return 'needs a date such as 2026-11-25';
      return `needs the ${issue.format} format`;
    case 'invalid_type':
      return issue.input === undefined && /received undefined/.test(issue.message)
        ? `is missing (needs a ${TYPE_WORDS[issue.expected] ?? issue.expected})`
        : `needs a ${TYPE_WORDS[issue.expected] ?? issue.expected}${received(issue.message)}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return issue.message;
  }
}

/** `time: needs …`, or the words alone for an issue on the whole record. */
export function issueInWords(issue: Issue, fieldPrefix = ''): string {
  const path = issue.path.map((p) => String(p)).join('.');
  const field = `${fieldPrefix}${path}`;
  return field === '' ? needs(issue) : `${field}: ${needs(issue)}`;
}

/** Every issue, in words, joined by `; ` (past ten: "and N more"). */
export function issuesInWords(issues: readonly Issue[], fieldPrefix = ''): string {
  if (issues.length === 0) return 'invalid';
  const listed = issues.slice(0, MAX_LISTED).map((i) => issueInWords(i, fieldPrefix));
  const rest = issues.length - listed.length;
  return `${listed.join('; ')}${rest > 0 ? `; and ${rest} more` : ''}`;
}
