import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyRun } from '../../src/app/notify-run';
import { readWebhookUrl } from '../../functions/shared/webhook-secret';
import { runAudit } from '../../src/app/audit';
import { fleetEvents } from './helpers/fleet-fixture';
import { captureOutput } from './helpers/capture-output';
import { lambdaContext } from './helpers/lambda-context';
import { startLocalTable, stopLocalTable, useLocalTableEnv, type LocalTable } from './helpers/local-table';
import { startSlackServer } from './helpers/slack-server';
import { finding } from '../alerts/findings-fixture';
import { systemClock } from '../../src/model/ports/clock';

const SECRET_ID = 'hyperaudit/slack-webhook';
const fastDelivery = { retryBudgetMs: 300, backoffBaseMs: 20, backoffMaxMs: 50, minIntervalMs: 0 };
const secrets = mockClient(SecretsManagerClient);
let table: LocalTable;
let slack: Awaited<ReturnType<typeof startSlackServer>>;

beforeAll(async () => {
  process.env.AWS_REGION = 'eu-west-1';
  [table, slack] = await Promise.all([startLocalTable(), startSlackServer()]);
  await table.store.putEvents(fleetEvents());
  await runAudit({ store: table.store, clock: systemClock }, { full: true });
});
afterAll(async () => {
  secrets.restore();
  await Promise.all([stopLocalTable(table), slack.stop()]);
});

describe('readWebhookUrl', () => {
  it('accepts the URL itself or {"url": ...} and refuses anything else without echoing it', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'plain' }).resolves({ SecretString: slack.url });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'json' })
      .resolves({ SecretString: JSON.stringify({ url: slack.url }) });
    secrets.on(GetSecretValueCommand, { SecretId: 'bad' }).resolves({ SecretString: 'xoxb-not-a-url-s3cr3t' });
    expect(await readWebhookUrl('plain')).toBe(slack.url);
    expect(await readWebhookUrl('json')).toBe(slack.url);
    const failure = await readWebhookUrl('bad').catch((e: Error) => e.message);
    expect(failure).toMatch(/secret bad is neither a webhook URL/);
    expect(failure).not.toContain('s3cr3t');
  });
});

describe('notify while Slack is down, then back', () => {
  it('keeps every planned message in the outbox while Slack fails, and delivers each exactly once when it returns', async () => {
    slack.down(503);
    const { result: first, output } = await captureOutput(() =>
      notifyRun({
        store: table.store,
        clock: systemClock,
        minSeverity: 'high',
        webhookUrl: async () => slack.url,
        delivery: fastDelivery,
      }),
    );
    expect(first!.planned).toBeGreaterThan(0);
    expect(first!.delivered).toBe(0);
    expect(first!.remaining).toBe(first!.planned);
    expect((await table.store.listOutbox()).length).toBe(first!.planned);
    expect(output).not.toContain('s3cr3tWebhookPath');

    slack.up();
    const second = await notifyRun({
      store: table.store,
      clock: systemClock,
      minSeverity: 'high',
      webhookUrl: async () => slack.url,
      delivery: fastDelivery,
    });
    expect(second.planned).toBe(0);
    expect(second.delivered).toBe(first!.planned);
    expect(slack.received).toHaveLength(first!.planned);
    expect(await table.store.listOutbox()).toEqual([]);

    const third = await notifyRun({
      store: table.store,
      clock: systemClock,
      minSeverity: 'high',
      webhookUrl: async () => slack.url,
      delivery: fastDelivery,
    });
    expect(third).toMatchObject({ planned: 0, delivered: 0, remaining: 0 });
    expect(slack.received).toHaveLength(first!.planned);
  });
});

describe('notify handler', () => {
  it('runs from a stream batch through the middy wrapper, reads the webhook from Secrets Manager and never logs it', async () => {
    useLocalTableEnv(table);
    process.env.FAIL_THRESHOLD = 'medium';
    process.env.SLACK_WEBHOOK_SECRET_ID = SECRET_ID;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({ SecretString: slack.url });
    const before = slack.received.length;
    const { handler } = (await import('../../functions/notify/index')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<{ planned: number; delivered: number }>;
    };
    const { result, output, error } = await captureOutput(() =>
      handler({ Records: [] }, lambdaContext('hyperaudit-notify')),
    );
    expect(error).toBeUndefined();
    // The earlier digests covered high and critical; lowering the threshold announces the medium findings.
    expect(result!.planned).toBeGreaterThan(0);
    expect(result!.delivered).toBe(result!.planned);
    expect(slack.received.length - before).toBe(result!.planned);
    expect(output).toContain('notify pass done');
    expect(output).not.toContain(slack.url);
    expect(output).not.toContain('s3cr3tWebhookPath');
    expect(output).not.toContain('B0WEBHOOK1');
  });
});

describe('notify handler input', () => {
  it('refuses a failed-run event without its state, naming the field, and records nothing', async () => {
    useLocalTableEnv(table);
    process.env.FAIL_THRESHOLD = 'medium';
    process.env.SLACK_WEBHOOK_SECRET_ID = SECRET_ID;
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'HyperauditTest';
    const { handler } = (await import('../../functions/notify/index')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const event = { runFailed: { runId: 'bad-run', trigger: 'schedule', error: 'States.TaskFailed', cause: '' } };
    const { error } = await captureOutput(() => handler(event, lambdaContext('hyperaudit-notify')));
    expect((error as Error).message).toMatch(/^notify input: runFailed\.state: /);
    expect(await table.store.getMeta('run/bad-run')).toBeUndefined();
  });

  it('refuses an event that is not an object, naming the input', async () => {
    const { handler } = (await import('../../functions/notify/index')) as unknown as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const { error } = await captureOutput(() => handler('drain', lambdaContext('hyperaudit-notify')));
    expect((error as Error).message).toMatch(/^notify input: input: /);
  });
});

describe('notify handler when Slack refuses the webhook', () => {
  it('keeps the digest queued, dead-letters nothing, logs the status without the URL, and delivers once the webhook works', async () => {
    const { handler } = (await import('../../functions/notify/index')) as unknown as {
      handler: (
        event: unknown,
        context: unknown,
      ) => Promise<{
        planned: number;
        delivered: number;
        deadLettered: number;
        remaining: number;
        configurationError?: unknown;
      }>;
    };
    await table.store.putFindings([finding(90_001, { severity: 'critical', fingerprint: 'fp-refused-webhook' })]);
    const deadBefore = (await table.store.listMeta('notify/dead/')).length;
    const before = slack.received.length;
    slack.down(403);
    try {
      const { result, output, error } = await captureOutput(() =>
        handler({ Records: [] }, lambdaContext('hyperaudit-notify')),
      );
      expect(error).toBeUndefined();
      expect(result).toMatchObject({
        planned: 1,
        delivered: 0,
        deadLettered: 0,
        remaining: 1,
        configurationError: { status: 403 },
      });
      expect(output).toContain('Slack refused the webhook');
      expect(output).toContain('SlackMisconfigured');
      expect(output).not.toContain(slack.url);
      expect(output).not.toContain('s3cr3tWebhookPath');
      expect(await table.store.listOutbox()).toHaveLength(1);
      expect(await table.store.listMeta('notify/dead/')).toHaveLength(deadBefore);
    } finally {
      slack.up();
    }
    const fixed = await handler({ Records: [] }, lambdaContext('hyperaudit-notify'));
    expect(fixed).toMatchObject({ planned: 0, delivered: 1, remaining: 0 });
    expect(slack.received.length - before).toBe(1);
    expect(await table.store.listOutbox()).toEqual([]);
  });
});
