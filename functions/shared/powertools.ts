import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/** One logger and one metrics buffer per Lambda; service name and namespace come from POWERTOOLS_* env. */
export const logger = new Logger();
export const metrics = new Metrics();

/**
 * The middy wrapper every hyperaudit handler goes through: Lambda context in each log line, metrics flushed
 * (with a cold-start metric) after each invocation. The event itself is never logged: it can carry tokens.
 */
export function instrumented<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
