import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { MAX_CLOCK_SKEW_ENV, maxAheadSecondsFrom } from '../../src/sources/clock-skew';
import { systemClock } from '../../src/model/ports/clock';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics, powertoolsLogger } from '../shared/powertools';
import { openStore } from '../shared/store';
import { SqsEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { cachedVcenterScopes, ingestMessage } from '../../src/app/ingest-message';

const store = openStore(requireEnv('TABLE_NAME'));
const ports = {
  store,
  clock: systemClock,
  logger: powertoolsLogger(logger),
  // A bad value fails the cold start, naming the variable, rather than ingesting with a policy nobody chose.
  maxAheadSeconds: maxAheadSecondsFrom(undefined, process.env, MAX_CLOCK_SKEW_ENV),
  // A vCenter's first collection reaches this warm container's VEBA events within a minute.
  vcenterScopes: cachedVcenterScopes(store, 60_000, systemClock),
};
const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const report = await ingestMessage(record, ports);
  metrics.addMetric('EventsAccepted', MetricUnit.Count, report.accepted);
  metrics.addMetric('EventsDuplicate', MetricUnit.Count, report.duplicates);
  if (report.rejectedCount > 0) metrics.addMetric('RecordsRejected', MetricUnit.Count, report.rejectedCount);
}

/** Each message succeeds or fails alone: only failed ones go back to the queue (ReportBatchItemFailures). */
export const handler = instrumented(
  async (event: unknown, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(parseStepInput(SqsEvent, event, 'ingest'), recordHandler, processor, { context }),
);
