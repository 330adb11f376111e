import { z } from 'zod';
import { recordRunFailure, RunFailure } from './run-failure';
import { notifyRun, type NotifyDeps, type NotifySummary } from './notify-run';

/**
 * The notify function's events: the findings stream, the drain schedule and the workflow's SlackDigest state
 * only say "something may have changed" (their other fields are not read); the workflow's RecordFailure state
 * carries `runFailed`, which is recorded and queued before the pass that delivers it. Parsed by the caller
 * (functions/notify, the local workflow) with `parseStepInput`, so a bad `runFailed` fails naming its field.
 */
export const NotifyEvent = z.looseObject({ runFailed: RunFailure.optional() });
export type NotifyEvent = z.infer<typeof NotifyEvent>;

export interface NotifyEventResult extends NotifySummary {
  /** Set when the event reported a failed run: its recorded outcome. */
  runFailed?: { runId: string; state: string; error: string };
}

export async function notifyEvent(event: NotifyEvent, deps: NotifyDeps): Promise<NotifyEventResult> {
  let runFailed: NotifyEventResult['runFailed'];
  if (event.runFailed !== undefined) {
    const record = await recordRunFailure(deps.store, event.runFailed, deps.clock.now());
    runFailed = { runId: record.runId, state: record.state, error: record.error };
  }
  const summary = await notifyRun(deps);
  return { ...summary, ...(runFailed && { runFailed }) };
}
