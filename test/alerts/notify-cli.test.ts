import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { finding, HOSTILE_NAME } from './findings-fixture';
import { startSlackLikeServer, type SlackAnswer } from '../support/slack-like-server';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo';
import { runCli as cli } from '../support/run-cli';

describe('hyperaudit report and notify against the local DynamoDB store', () => {
  let dynamo: LocalDynamo;
  let store: DynamoStore;
  let dir: string;

  beforeAll(async () => {
    dynamo = await startLocalDynamo('hyperaudit-cli-');
    ({ store, dir } = dynamo);
  });
  afterAll(() => dynamo?.stop());

  it('writes the report and links it in a dry-run digest', async () => {
    await store.putFindings([
      finding(1, { severity: 'critical', resourceName: HOSTILE_NAME }),
      finding(2, { severity: 'low' }),
    ]);
    const report = await cli(
      'report',
      '--endpoint',
      dynamo.endpoint,
      '--out',
      join(dir, 'r1'),
      '--url',
      'https://reports.example/r1/report.html',
    );
    expect(report.code).toBe(0);
    expect(existsSync(join(dir, 'r1', 'report.html'))).toBe(true);
    const dry = await cli('notify', '--endpoint', dynamo.endpoint, '--dry-run', '--min-severity', 'critical');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('https://reports.example/r1/report.html|Open the full report');
    // stdout is JSON alone, so it pipes into jq; the summary is on stderr.
    expect(() => JSON.parse(dry.stdout)).not.toThrow();
    expect(dry.stderr).toContain('1 new, 0 resolved');
    expect(dry.stdout).toContain(`https://reports.example/r1/report.html#f-fp-00001|`);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('exits 4 with messages kept in the DynamoDB outbox while Slack is down, then delivers each once', async () => {
    let answer: SlackAnswer = 'server-error';
    const slack = await startSlackLikeServer(() => answer);
    try {
      const down = await cli(
        'notify',
        '--endpoint',
        dynamo.endpoint,
        '--webhook',
        slack.url,
        '--min-severity',
        'info',
        '--retry-budget',
        '1.5',
      );
      expect(down.code).toBe(4);
      expect(down.stdout).toMatch(/1 still queued: Slack unavailable \(HTTP 500\)/);
      expect(down.stdout).not.toContain(slack.url);
      expect(await store.listOutbox()).toHaveLength(1);

      answer = 'ok';
      const up = await cli('notify', '--endpoint', dynamo.endpoint, '--webhook', slack.url, '--min-severity', 'info');
      expect(up.code).toBe(0);
      expect(up.stdout).toContain('1 delivered');
      const again = await cli(
        'notify',
        '--endpoint',
        dynamo.endpoint,
        '--webhook',
        slack.url,
        '--min-severity',
        'info',
      );
      expect(again.code).toBe(0);
      expect(slack.accepted()).toHaveLength(1);
      expect(JSON.stringify(slack.accepted()[0])).not.toContain('<script');
      expect(await store.listOutbox()).toEqual([]);
    } finally {
      await slack.close();
    }
  });

  it('exits 1 and keeps a dead letter when Slack rejects the message', async () => {
    await store.putFindings([finding(3, { severity: 'high' })]);
    const slack = await startSlackLikeServer(() => 'invalid-blocks');
    try {
      const run = await cli('notify', '--endpoint', dynamo.endpoint, '--webhook', slack.url, '--min-severity', 'info');
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/rejected by Slack \(400 invalid_blocks\)/);
      expect(slack.arrivals).toHaveLength(1);
      expect(await store.listMeta('notify/dead/')).toHaveLength(1);
      expect(await store.listOutbox()).toEqual([]);
    } finally {
      await slack.close();
    }
  });

  it("exits 4 naming the HTTP status and Slack's error, never the URL, and keeps the messages when the webhook is revoked", async () => {
    await store.putFindings([finding(4, { severity: 'critical' })]);
    const deadBefore = (await store.listMeta('notify/dead/')).length;
    let answer: SlackAnswer = 'invalid-token';
    const slack = await startSlackLikeServer(() => answer);
    try {
      const revoked = await cli(
        'notify',
        '--endpoint',
        dynamo.endpoint,
        '--webhook',
        slack.url,
        '--min-severity',
        'info',
      );
      expect(revoked.code).toBe(4);
      expect(revoked.stderr).toMatch(/Slack refused the webhook \(HTTP 403 invalid_token\)/);
      expect(revoked.stdout).toMatch(/1 still queued: Slack refused the webhook \(HTTP 403 invalid_token\)/);
      for (const out of [revoked.stdout, revoked.stderr]) {
        expect(out).not.toContain(slack.url);
        expect(out).not.toContain('/services/T000/B000/XXXX');
      }
      expect(await store.listOutbox()).toHaveLength(1);
      expect(await store.listMeta('notify/dead/')).toHaveLength(deadBefore);

      answer = 'ok';
      const fixed = await cli(
        'notify',
        '--endpoint',
        dynamo.endpoint,
        '--webhook',
        slack.url,
        '--min-severity',
        'info',
      );
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain('1 delivered');
      expect(slack.accepted()).toHaveLength(1);
      expect(await store.listOutbox()).toEqual([]);
    } finally {
      await slack.close();
    }
  });

  it('refuses to run without a webhook unless it is a dry run, and queues nothing', async () => {
    const saved = process.env.SLACK_WEBHOOK_URL;
    delete process.env.SLACK_WEBHOOK_URL;
    try {
      const before = await store.getMeta('notify/last');
      const run = await cli('notify', '--endpoint', dynamo.endpoint);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('no webhook');
      expect(await store.getMeta('notify/last')).toEqual(before);
    } finally {
      if (saved !== undefined) process.env.SLACK_WEBHOOK_URL = saved;
    }
  });

  it('refuses a webhook that is not a URL without a stack trace', async () => {
    const run = await cli('notify', '--endpoint', dynamo.endpoint, '--webhook', 'not a url');
    expect(run.code).toBe(2);
    // The first line is the warning that a secret on the command line is visible in ps.
    expect(run.stderr.split('\n').slice(1).join('\n')).toBe(
      'hyperaudit: --webhook is not a URL (expected https://hooks.slack.com/services/...)\n' +
        'hint: hyperaudit notify --help lists the options\n',
    );
  });
});
