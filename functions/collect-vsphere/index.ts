import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { collectVsphereRun, type CollectSummary } from '../../src/app/collect-vsphere-run';
import { parseStepInput } from '../../src/app/workflow-input';
import { VsphereScheduleEvent } from '../shared/aws-events';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { openStore } from '../shared/store';
import { secretsManagerVsphereSecret } from './vsphere-secret';

const ports = {
  store: openStore(requireEnv('TABLE_NAME')),
  secrets: secretsManagerVsphereSecret(requireEnv('VSPHERE_SECRET_ID')),
};
const url = requireEnv('VSPHERE_URL');
const eventWindowHours = Number(process.env.VSPHERE_EVENT_WINDOW_HOURS ?? '24');

/** Invoked by its EventBridge Scheduler schedule, whose input only says so. */
export const handler = instrumented(async (event: unknown, context): Promise<CollectSummary> => {
  const { trigger } = parseStepInput(VsphereScheduleEvent, event, 'collect-vsphere');
  logger.appendKeys({ trigger });
  // Each vCenter request may take until the function is nearly out of time, never past it.
  const timeoutMs = Math.max(10_000, Math.min(120_000, context.getRemainingTimeInMillis() - 30_000));
  const summary = await collectVsphereRun(ports, { url, eventWindowHours, timeoutMs });
  logger.info('vSphere collection done', { ...summary });
  metrics.addMetric('VsphereObjects', MetricUnit.Count, summary.objects);
  metrics.addMetric('VsphereEventsStored', MetricUnit.Count, summary.stored);
  return summary;
});
