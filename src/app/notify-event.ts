import { z } from 'zod';
import { recordRunFailure, RunFailure } from './run-failure';
import { parseStepInput } from './workflow-input';
import { notifyRun, type NotifyDeps, type NotifySummary } from './notify-run';

/**
 * The notify function's events: the findings stream, the drain schedule and the workflow's SlackDigest state
 * only say "something may have changed"; the workflow's RecordFailure state carries `runFailed`, which is
 * recorded and queued before the pass that delivers it.
 */
const NotifyEvent = z.looseObject({ runFailed: RunFailure.optional() });

export interface NotifyEventResult extends NotifySummary {
  /** Set when the event reported a failed run: its recorded outcome. */
  runFailed?: { runId: string; state: string; error: string };
}

export async function notifyEvent(event: unknown, deps: NotifyDeps & { now?: () => Date }): Promise<NotifyEventResult> {
  const parsed = parseStepInput(NotifyEvent, event ?? {}, 'notify');
  let runFailed: NotifyEventResult['runFailed'];
  if (parsed.runFailed !== undefined) {
    const record = await recordRunFailure(deps.store, parsed.runFailed, (deps.now ?? (() => new Date()))());
    runFailed = { runId: record.runId, state: record.state, error: record.error };
  }
  const summary = await notifyRun(deps);
  return { ...summary, ...(runFailed && { runFailed }) };
}
