import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/security/authorize';
import { decodeEnvelope } from '../../src/sources/envelope';
import { authorizerEvent } from './helpers/aws-events';
import { captureOutput } from './helpers/capture-output';
import { lambdaContext } from './helpers/lambda-context';

const TOKEN = 'q7Vt0kHc3N9wZpLr8sXy2bDf5GjM4uEa6KoIhTn1';
const deps = { expectedToken: async () => TOKEN, maxBodyBytes: 262_144 };
const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  'content-length': '1200',
  ...extra,
});

describe('authorize', () => {
  it('accepts the right bearer token and passes the content headers on, without the token', async () => {
    const { result, denied } = await authorize(
      authorizerEvent(
        headers({
          'ce-specversion': '1.0',
          'ce-type': 'com.vmware.event.router/event',
          'ce-id': 'e-1',
          'x-other': 'dropped',
        }),
      ),
      deps,
    );
    expect(denied).toBeUndefined();
    expect(result.isAuthorized).toBe(true);
    const envelope = decodeEnvelope(result.context.envelope);
    expect(envelope).toEqual({
      contentType: 'application/json',
      ce: { specversion: '1.0', type: 'com.vmware.event.router/event', id: 'e-1' },
    });
    expect(Buffer.from(result.context.envelope, 'base64').toString()).not.toContain(TOKEN);
  });

  it('refuses a missing, malformed or wrong token', async () => {
    expect((await authorize(authorizerEvent({ 'content-length': '10' }), deps)).denied).toBe('missing-token');
    expect((await authorize(authorizerEvent(headers({ authorization: TOKEN })), deps)).denied).toBe('missing-token');
    expect((await authorize(authorizerEvent(headers({ authorization: `Bearer ${TOKEN}x` })), deps)).denied).toBe(
      'bad-token',
    );
    expect((await authorize(authorizerEvent(headers({ authorization: 'Bearer ' })), deps)).denied).toBe(
      'missing-token',
    );
  });

  it('refuses a body over the limit, or of unknown length, before it reaches the queue', async () => {
    expect((await authorize(authorizerEvent(headers({ 'content-length': '262145' })), deps)).denied).toBe('too-large');
    const { 'content-length': _dropped, ...chunked } = headers();
    expect((await authorize(authorizerEvent(chunked), deps)).denied).toBe('no-content-length');
    expect((await authorize(authorizerEvent(headers({ 'content-length': '262144' })), deps)).denied).toBeUndefined();
    expect((await authorize(authorizerEvent(headers({ 'content-length': '0' })), deps)).denied).toBe('empty-body');
  });

  it('accepts the JSON, NDJSON and CloudEvents media types and refuses others', async () => {
    for (const type of [
      'application/json; charset=utf-8',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/x-ndjson',
    ]) {
      expect((await authorize(authorizerEvent(headers({ 'content-type': type })), deps)).denied, type).toBeUndefined();
    }
    expect((await authorize(authorizerEvent(headers({ 'content-type': 'text/html' })), deps)).denied).toBe(
      'unsupported-media-type',
    );
  });

  it('reads header names case-insensitively, as HTTP clients send them', async () => {
    const { denied } = await authorize(
      authorizerEvent({
        Authorization: `bearer ${TOKEN}`,
        'Content-Type': 'application/x-ndjson',
        'Content-Length': '5',
      }),
      deps,
    );
    expect(denied).toBeUndefined();
  });
});

describe('http-authorizer handler', () => {
  const secrets = mockClient(SecretsManagerClient);
  let handler: (event: unknown, context: unknown) => Promise<{ isAuthorized: boolean }>;

  beforeAll(async () => {
    process.env.AWS_REGION = 'eu-west-1';
    process.env.INGEST_TOKEN_SECRET_ID =
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:hyperaudit/ingest-token-AbCdEf';
    process.env.MAX_BODY_BYTES = '1024';
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
    ({ handler } = (await import('../../functions/http-authorizer/index')) as unknown as { handler: typeof handler });
  });
  afterAll(() => secrets.restore());

  it('authorizes an API Gateway v2 request, reading the token from Secrets Manager once, and never logs it', async () => {
    const context = lambdaContext('hyperaudit-authorizer');
    const { result, output } = await captureOutput(async () => {
      const ok = await handler(authorizerEvent(headers({ 'content-length': '512' })), context);
      const refused = await handler(
        authorizerEvent(headers({ authorization: 'Bearer wrong-token-value', 'content-length': '512' })),
        context,
      );
      const tooBig = await handler(authorizerEvent(headers({ 'content-length': '4096' })), context);
      return [ok.isAuthorized, refused.isAuthorized, tooBig.isAuthorized];
    });
    expect(result).toEqual([true, false, false]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(output).toContain('ingest request refused');
    expect(output).toContain('bad-token');
    expect(output).toContain('too-large');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('wrong-token-value');
  });
});
