import { EVENT_SK_PREFIX, parseEntityPk } from '../store/items';
import type { PutEventsResult } from '../store/types';

/** What changedSubjects reads of a stream record: DynamoDB's record, or the evaluate function's parsed one. */
export interface StreamRecordKeys {
  eventName?: string;
  dynamodb?: { Keys?: Record<string, { S?: string }> };
}

/**
 * The entities new event items belong to, each once. The event source already filters to event inserts;
 * this checks again, because a filter change in the stack must not turn findings or outbox writes into
 * audit triggers (an audit writes findings: that would loop).
 */
export function changedSubjects(records: readonly StreamRecordKeys[]): PutEventsResult['subjects'] {
  const seen = new Map<string, PutEventsResult['subjects'][number]>();
  for (const r of records) {
    if (r.eventName !== 'INSERT') continue;
    const pk = r.dynamodb?.Keys?.pk?.S;
    const sk = r.dynamodb?.Keys?.sk?.S;
    if (pk === undefined || sk === undefined || !sk.startsWith(EVENT_SK_PREFIX)) continue;
    const subject = parseEntityPk(pk);
    if (subject !== undefined) seen.set(`${subject.kind}#${subject.id}`, subject);
  }
  return [...seen.values()];
}
