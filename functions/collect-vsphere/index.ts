import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { openStore } from '../shared/store';
import { collectRun, type CollectSummary } from './collect-run';
import { VsphereScheduleEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { readVsphereSecret } from './vsphere-secret';

const store = openStore(requireEnv('TABLE_NAME'));
const url = requireEnv('VSPHERE_URL');
const secretId = requireEnv('VSPHERE_SECRET_ID');
const eventWindowHours = Number(process.env.VSPHERE_EVENT_WINDOW_HOURS ?? '24');

/** Invoked by its EventBridge Scheduler schedule, whose input only says so. */
export const handler = instrumented(async (event: unknown, context): Promise<CollectSummary> => {
  const { trigger } = parseStepInput(VsphereScheduleEvent, event, 'collect-vsphere');
  logger.appendKeys({ trigger });
  // Each vCenter request may take until the function is nearly out of time, never past it.
  const timeoutMs = Math.max(10_000, Math.min(120_000, context.getRemainingTimeInMillis() - 30_000));
  const summary = await collectRun({
    store,
    url,
    secret: () => readVsphereSecret(secretId),
    eventWindowHours,
    timeoutMs,
  });
  logger.info('vSphere collection done', { ...summary });
  metrics.addMetric('VsphereObjects', MetricUnit.Count, summary.objects);
  metrics.addMetric('VsphereEventsStored', MetricUnit.Count, summary.stored);
  return summary;
});
