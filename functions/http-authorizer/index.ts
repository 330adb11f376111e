import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireEnv } from '../shared/env';
import { instrumented, logger, metrics } from '../shared/powertools';
import { AuthorizerEvent } from '../shared/aws-events';
import { parseStepInput } from '../../src/app/workflow-input';
import { authorize, type AuthorizerResult } from '../../src/security/authorize';

const secretId = requireEnv('INGEST_TOKEN_SECRET_ID');
const maxBodyBytes = Number(requireEnv('MAX_BODY_BYTES'));

async function expectedToken(): Promise<string> {
  // Cached for five minutes: one Secrets Manager call per container, not per request.
  const token = await getSecret(secretId, { maxAge: 300 });
  if (typeof token !== 'string' || token === '') throw new Error('ingest token secret is empty or binary');
  return token;
}

export const handler = instrumented(async (raw: unknown): Promise<AuthorizerResult> => {
  const event = parseStepInput(AuthorizerEvent, raw, 'http-authorizer');
  const { result, denied } = await authorize(event, { expectedToken, maxBodyBytes });
  if (denied !== undefined) {
    logger.warn('ingest request refused', { reason: denied, sourceIp: event.requestContext.http.sourceIp });
    metrics.addMetric(`IngestRefused_${denied}`, MetricUnit.Count, 1);
  }
  return result;
});
