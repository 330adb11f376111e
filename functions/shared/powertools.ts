import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger as LoggerPort } from '../../src/model/ports/logger';

/** One logger and one metrics buffer per Lambda; service name and namespace come from POWERTOOLS_* env. */
export const logger = new Logger();
export const metrics = new Metrics();

/**
 * The use cases' logger port on Powertools' logger: each entry one JSON line with the Lambda context and the
 * keys the handler appended (run id, cluster), its fields merged in.
 */
export function powertoolsLogger(target: Logger = logger): LoggerPort {
  return {
    debug: (message, fields = {}) => target.debug(message, { ...fields }),
    info: (message, fields = {}) => target.info(message, { ...fields }),
    warn: (message, fields = {}) => target.warn(message, { ...fields }),
    error: (message, fields = {}) => target.error(message, { ...fields }),
  };
}

/**
 * The middy wrapper every hyperaudit handler goes through: Lambda context in each log line, metrics flushed
 * (with a cold-start metric) after each invocation. The event itself is never logged: it can carry tokens.
 */
export function instrumented<E, R>(handler: (event: E, context: Context) => Promise<R>) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}
