import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { MAX_CLOCK_SKEW_ENV, maxAheadSecondsFrom } from '../../src/sources/clock-skew';
import { systemClock } from '../../src/model/ports/clock';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { openStore } from '../shared/store';
import { SqsEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { cachedVcenterScopes, ingestMessage } from '../../src/app/ingest-message';

const store = openStore(requireEnv('TABLE_NAME'));
/** A bad value fails the cold start, naming the variable, rather than ingesting with a policy nobody chose. */
const future = { clock: systemClock, maxAheadSeconds: maxAheadSecondsFrom(undefined, process.env, MAX_CLOCK_SKEW_ENV) };
const processor = new BatchProcessor(EventType.SQS);
/** A vCenter's first collection reaches this warm container's VEBA events within a minute. */
const vcenterScopes = cachedVcenterScopes(store, 60_000, systemClock);

/** Rejected records are logged with where they came from (message, line, field) so a sender can fix them. */
async function recordHandler(record: SQSRecord): Promise<void> {
  const report = await ingestMessage(record, store, future, vcenterScopes);
  metrics.addMetric('EventsAccepted', MetricUnit.Count, report.accepted);
  metrics.addMetric('EventsDuplicate', MetricUnit.Count, report.duplicates);
  if (report.rejectedCount > 0) metrics.addMetric('RecordsRejected', MetricUnit.Count, report.rejectedCount);
  for (const r of report.rejected.slice(0, 20)) logger.warn('record rejected', { ...r });
  if (report.rejectedCount > 20)
    logger.warn('more records rejected', {
      messageId: record.messageId,
      count: report.rejectedCount - 20,
      byReason: report.rejectedByReason,
    });
  logger.info('message ingested', {
    messageId: record.messageId,
    accepted: report.accepted,
    duplicates: report.duplicates,
    ignored: report.ignoredCount,
    rejected: report.rejectedCount,
  });
}

/** Each message succeeds or fails alone: only failed ones go back to the queue (ReportBatchItemFailures). */
export const handler = instrumented(
  async (event: unknown, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(parseStepInput(SqsEvent, event, 'ingest'), recordHandler, processor, { context }),
);
