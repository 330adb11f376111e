import { createHash } from 'node:crypto';
import { z } from 'zod';
import { slackField } from '../alerts/slack-text';
import { STATE, writeState } from '../store/state-keys';
import type { FleetStore, OutboxMessage } from '../store/types';

/**
 * What the state machine's Catch hands on when a state fails: the run, the state, the States error name and
 * the error output as text. Validated once here; the cause is hostile text (it may quote input), so it is
 * bounded and escaped before it reaches Slack.
 */
export const RunFailure = z.object({
  runId: z.string().min(1).max(80),
  trigger: z.string().max(40),
  state: z.string().min(1).max(80),
  error: z.string().max(256),
  cause: z.string().max(32_768),
});
export type RunFailure = z.infer<typeof RunFailure>;

/** Where a run's outcome is kept: one meta entry per run id (declared in src/store/state-keys.ts). */
export const RUN_META_PREFIX = STATE.runFailures.prefix;

export interface RunRecord extends RunFailure {
  status: 'failed';
  at: string;
}

/** The outbox id of a run's failure message: one per run, however often the failure is recorded. */
export function runFailureMessageId(runId: string): string {
  return `run-failed-${createHash('sha256').update(runId).digest('hex').slice(0, 32)}`;
}

/**
 * Records a failed run and queues its one Slack message. The message id derives from the run id and the
 * outbox keeps the first entry for an id, so a retried RecordFailure never announces the run twice.
 */
export async function recordRunFailure(store: FleetStore, failure: RunFailure, now: Date): Promise<RunRecord> {
  const record: RunRecord = { ...failure, status: 'failed', at: now.toISOString() };
  await writeState(store, STATE.runFailures.key(failure.runId), record);
  const text = `:rotating_light: hyperaudit run ${slackField(failure.runId, 80)} (${slackField(failure.trigger, 40)}) failed in ${slackField(failure.state, 80)}: ${slackField(failure.error, 120)}`;
  const message: OutboxMessage = {
    id: runFailureMessageId(failure.runId),
    createdAt: now.toISOString(),
    payload: {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: slackField(failure.cause, 1500) }] },
      ],
    },
    fingerprints: [],
  };
  await store.enqueueOutbox([message]);
  return record;
}
