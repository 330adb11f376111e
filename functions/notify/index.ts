import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireEnv, severityEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { openStore } from '../shared/store';
import { readWebhookUrl } from '../shared/webhook-secret';
import { NotifyEvent, notifyEvent, type NotifyEventResult } from '../../src/app/notify-event';
import { parseStepInput } from '../../src/app/workflow-input';
import { systemClock } from '../../src/model/ports/clock';

const store = openStore(requireEnv('TABLE_NAME'));
const minSeverity = severityEnv('FAIL_THRESHOLD');
const secretId = requireEnv('SLACK_WEBHOOK_SECRET_ID');

/**
 * Invoked by the findings stream, the workflow's last step and the periodic drain, whose events only say
 * "something may have changed", and by the workflow's RecordFailure state with the failed run (notify-event.ts).
 */
export const handler = instrumented(async (event: unknown): Promise<NotifyEventResult> => {
  const input = parseStepInput(NotifyEvent, event ?? {}, 'notify');
  const summary = await notifyEvent(input, {
    store,
    clock: systemClock,
    minSeverity,
    webhookUrl: () => readWebhookUrl(secretId),
  });
  logger.info('notify pass done', { ...summary });
  if (summary.configurationError !== undefined) {
    // Not thrown: a retry cannot fix the secret, and the messages wait in the outbox for the fix.
    logger.error('Slack refused the webhook; fix the webhook secret, queued messages are kept', {
      ...summary.configurationError,
      secretId,
    });
    metrics.addMetric('SlackMisconfigured', MetricUnit.Count, 1);
  }
  metrics.addMetric('SlackDelivered', MetricUnit.Count, summary.delivered);
  metrics.addMetric('SlackRemaining', MetricUnit.Count, summary.remaining);
  if (summary.deadLettered > 0) metrics.addMetric('SlackDeadLettered', MetricUnit.Count, summary.deadLettered);
  return summary;
});
