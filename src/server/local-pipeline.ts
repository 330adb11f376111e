import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BatchProcessor, EventType, FullBatchFailureError, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSRecord } from 'aws-lambda';
import { evaluateChanges, type EvaluateResult } from '../app/evaluate-changes';
import { ingestMessage } from '../app/ingest-message';
import { notifyRun } from '../app/notify-run';
import type { LoadedRule, Profile } from '../engine/types';
import type { Severity } from '../model/finding';
import type { IngestReport } from '../app/ingest';
import type { FuturePolicy } from '../sources/clock-skew';
import { systemClock, type Clock } from '../model/ports/clock';
import { quietLogger } from '../model/ports/logger';
import { folderArtifactStore } from '../store/artifacts/folder-artifact-store';
import { runAudit } from '../app/audit';
import { generateReport } from '../app/report';
import type { FleetStore } from '../store/types';
import { sqsEvent, sqsRecord, streamInsertRecords } from './aws-shapes';
import { backgroundTask } from './background-task';
import type { IngestResponse, ServePipeline } from './http-app';
import type { LocalS3 } from './local-s3';
import { runLocalWorkflow, WorkflowFailedError } from './local-workflow';
import { clearPending, listPending, markPending } from './pending-evaluation';
import { RecordingStore } from './recording-store';

export interface LocalPipelineOptions {
  store: FleetStore;
  rules: readonly LoadedRule[];
  /** Where GET /report's files are written. */
  reportDir: string;
  /** Slack incoming webhook; without it findings are evaluated but nothing is posted. */
  webhookUrl?: string;
  minSeverity: Severity;
  /** The reports bucket and traces for POST /runs; without them the workflow route is off. */
  workflow?: { s3: LocalS3; bucket: string; tracesDir?: string; failThreshold: Severity; profile?: Profile };
  /** One line per request outcome for the terminal; never bodies or the webhook. */
  log?: (line: string) => void;
  /** Clock-skew policy for ingested events (default: system clock, 15 min), as the deployed ingest's env sets it. */
  future?: FuturePolicy;
  /** Stamps evaluations and pending markers; default the system clock. */
  clock?: Clock;
}

/** A Lambda context for the Powertools batch processor; only its name and deadline are ever read. */
function localContext(name: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${Date.now()}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * `serve`'s pipeline, on the deployed handlers' code: the request becomes the SQS message the HTTP API's
 * integration would enqueue; the ingest handler's per-message function stores it under the same Powertools
 * partial-batch processing; the events it stored become DynamoDB stream INSERT records for the evaluate
 * handler's function (incremental audit); the notify function then plans and delivers the Slack digest,
 * as the findings stream would trigger it.
 */
export function createLocalPipeline(options: LocalPipelineOptions): ServePipeline {
  const clock = options.clock ?? systemClock;
  // Markers written before each write of the current request; cleared once its evaluation is done.
  const marked: string[] = [];
  const recording = new RecordingStore(options.store, async (events) => {
    marked.push(await markPending(options.store, events, clock));
  });
  let recovered = false;
  /** Evaluates what an interrupted earlier run (or request) stored but never evaluated. */
  const recover = async () => {
    const { keys, subjects } = await listPending(options.store);
    if (keys.length > 0) {
      const audit = await runAudit({ store: options.store, clock }, { rules: options.rules, scope: subjects });
      await clearPending(options.store, keys);
      reportStale = true;
      options.log?.(
        `evaluated ${subjects.length} entities stored by an interrupted run (${keys.length} pending marker(s)); ${audit.resolved.length} findings resolved`,
      );
    }
    recovered = true;
  };
  let reportStale = true;
  let reportHtml: string | undefined;
  const webhook = options.webhookUrl;
  // The digest goes out after the answer: the sender never waits on Slack, and what Slack does not take stays
  // in the outbox, paced across runs by the stored backoff (AWS drains it on a schedule as well).
  const notifier = backgroundTask(
    async () => {
      if (webhook === undefined) return;
      const notify = await notifyRun({
        store: options.store,
        clock,
        minSeverity: options.minSeverity,
        webhookUrl: async () => webhook,
        delivery: { retryBudgetMs: 10_000 },
      });
      options.log?.(
        `slack: ${notify.newCount} new, ${notify.resolvedCount} resolved; ${notify.delivered} delivered, ${notify.remaining} queued${notify.stoppedBecause ? ` (${notify.stoppedBecause})` : ''}`,
      );
    },
    (err) => options.log?.(`slack digest failed: ${err instanceof Error ? err.message : String(err)}`),
  );

  const ingest = async (request: { body: string; envelope: string }): Promise<IngestResponse> => {
    if (!recovered) await recover();
    try {
      const response = await ingestAndEvaluate(request);
      await clearPending(options.store, marked);
      return response;
    } catch (err) {
      // The markers stay in the store: the next request evaluates them first.
      recovered = false;
      throw err;
    } finally {
      marked.length = 0;
    }
  };

  const ingestAndEvaluate = async (request: { body: string; envelope: string }): Promise<IngestResponse> => {
    const record = sqsRecord(request.body, request.envelope);
    const reports: IngestReport[] = [];
    const processor = new BatchProcessor(EventType.SQS);
    let failed: boolean;
    try {
      const handlerResult = await processPartialResponse(
        sqsEvent([record]),
        async (r: SQSRecord) => {
          reports.push(
            await ingestMessage(r, {
              store: recording,
              clock: options.future?.clock ?? clock,
              // The response carries the rejected records; the terminal gets one line per request.
              logger: quietLogger,
              ...(options.future && { maxAheadSeconds: options.future.maxAheadSeconds }),
            }),
          );
        },
        processor,
        { context: localContext('hyperaudit-ingest') },
      );
      failed = handlerResult.batchItemFailures.length > 0;
    } catch (err) {
      // As in Lambda: when every message of the batch fails, the processor fails the invocation.
      if (!(err instanceof FullBatchFailureError)) throw err;
      failed = true;
    }
    // Whatever reached the table is on the stream, even when the message as a whole failed.
    const stored = recording.takeStored();
    if (failed) {
      if (stored.length > 0)
        await evaluateChanges(streamInsertRecords(stored), { store: options.store, rules: options.rules, clock });
      reportStale = true;
      // In AWS the message goes back to the queue; locally the sender is told to retry (events are idempotent).
      options.log?.(
        `ingest failed for message ${record.messageId}: ${processor.errors.map((e) => e.message).join('; ')}`,
      );
      return { status: 503, body: { error: 'the store did not take every event; retry the request', retryable: true } };
    }
    const report = reports[0]!;
    let evaluation: EvaluateResult = { subjects: 0 };
    const notifying = stored.length > 0 && webhook !== undefined;
    if (stored.length > 0) {
      evaluation = await evaluateChanges(streamInsertRecords(stored), {
        store: options.store,
        rules: options.rules,
        clock,
      });
      reportStale = true;
      if (notifying) notifier.request();
    }
    options.log?.(
      `ingested ${report.accepted} new, ${report.duplicates} duplicate, ${report.ignoredCount} ignored, ${report.rejectedCount} rejected; ` +
        `evaluated ${evaluation.subjects} entities${notifying ? '; slack digest scheduled' : ''}`,
    );
    const everythingRejected =
      report.rejectedCount > 0 && report.accepted + report.duplicates + report.ignoredCount === 0;
    return {
      status: everythingRejected ? 400 : 202,
      body: {
        accepted: report.accepted,
        duplicates: report.duplicates,
        ignored: report.ignored,
        rejected: report.rejected,
        ignoredCount: report.ignoredCount,
        rejectedCount: report.rejectedCount,
        ignoredByReason: report.ignoredByReason,
        rejectedByReason: report.rejectedByReason,
        rejectedByFile: report.rejectedByFile,
        bySource: report.bySource,
        evaluation,
        ...(notifying && { notify: 'scheduled' }),
      },
    };
  };

  const latestReport = async (): Promise<string | undefined> => {
    if (reportStale || reportHtml === undefined) {
      const out = await generateReport(
        { store: options.store, clock, artifacts: folderArtifactStore() },
        { outDir: options.reportDir },
      );
      reportHtml = await readFile(join(out.dir, 'report.html'), 'utf8');
      reportStale = false;
    }
    return reportHtml;
  };

  const workflow = options.workflow;
  const runWorkflow = async (): Promise<IngestResponse> => {
    if (workflow === undefined) return { status: 404, body: { error: 'workflow not configured' } };
    let run: Awaited<ReturnType<typeof runLocalWorkflow>>;
    try {
      run = await runLocalWorkflow('schedule', {
        store: options.store,
        rules: options.rules,
        minSeverity: options.minSeverity,
        ...workflow,
        ...(options.webhookUrl !== undefined && { webhookUrl: options.webhookUrl }),
      });
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      reportStale = true;
      options.log?.(err.message);
      // The run is recorded as failed (store meta run/<id>) and its Slack message queued, as on AWS.
      return {
        status: 500,
        body: {
          runId: err.runId,
          status: 'failed',
          error: err.error,
          ...(err.failure && { state: err.failure.state }),
        },
      };
    }
    reportStale = true;
    options.log?.(
      `workflow ${run.runId}: ${run.shards.length} clusters simulated, report ${run.report.url}, ${run.report.failing} failing`,
    );
    return { status: 200, body: { ...run } };
  };

  return {
    ingest,
    latestReport,
    recoverPending: recover,
    notified: () => notifier.idle(),
    ...(workflow && { runWorkflow }),
  };
}
