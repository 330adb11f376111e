import { systemClock } from '../../src/model/ports/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyClientError } from '../../src/alerts/slack-poster';
import { runNotify } from '../../src/app/notify';
import { MemoryStore } from '../../src/store/memory-store';
import { finding } from './findings-fixture';
import { startSlackLikeServer, type SlackAnswer, type SlackLikeServer } from '../support/slack-like-server';
import { virtualTiming } from './virtual-timing';

const servers: SlackLikeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function slack(answer: () => SlackAnswer) {
  const server = await startSlackLikeServer(() => answer());
  servers.push(server);
  return server;
}

/** Seven rules → with a 4-block budget the digest needs three messages. */
async function storeWithThreeMessages() {
  const store = new MemoryStore();
  await store.putFindings(Array.from({ length: 7 }, (_, i) => finding(i, { ruleId: `rule-${i}` })));
  return store;
}

describe('a webhook Slack refuses (revoked, mistyped, channel archived)', () => {
  it.each([
    ['invalid-token', 403, 'invalid_token'],
    ['no-service', 404, 'no_service'],
    ['channel-archived', 410, 'channel_is_archived'],
  ] as const)(
    'on %s stops at once, keeps every message queued, dead-letters none, and sends them all once fixed',
    async (answer, status, text) => {
      let current: SlackAnswer = answer;
      const server = await slack(() => current);
      const store = await storeWithThreeMessages();
      const { timing } = virtualTiming();
      const broken = await runNotify(
        { store, clock: systemClock },
        { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
      );
      expect(broken.planned).toHaveLength(3);
      expect(broken.delivery).toMatchObject({
        delivered: [],
        deadLettered: [],
        requests: 1,
        configurationError: { status, body: text },
      });
      expect(broken.delivery?.remaining).toEqual(broken.planned.map((p) => p.id));
      expect(broken.delivery?.stoppedBecause).toContain(`HTTP ${status} ${text}`);
      expect(broken.delivery?.stoppedBecause).not.toContain('/services/');
      expect((await store.listOutbox()).map((m) => m.id)).toEqual(broken.planned.map((p) => p.id));
      expect(await store.listMeta('notify/dead/')).toEqual([]);

      current = 'ok';
      const fixed = await runNotify(
        { store, clock: systemClock },
        { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
      );
      expect(fixed.planned).toEqual([]);
      expect(fixed.delivery?.delivered).toEqual(broken.planned.map((p) => p.id));
      expect(server.accepted().map((b) => b.text)).toEqual(broken.planned.map((p) => p.payload.text));
      expect(await store.listOutbox()).toEqual([]);
    },
  );

  it('still moves aside only the message Slack calls malformed and delivers the rest', async () => {
    let index = 0;
    const server = await slack(() => (index++ === 1 ? 'invalid-blocks' : 'ok'));
    const store = await storeWithThreeMessages();
    const { timing } = virtualTiming();
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    expect(result.delivery?.configurationError).toBeUndefined();
    expect(result.delivery?.deadLettered.map((d) => d.id)).toEqual([result.planned[1]!.id]);
    expect(result.delivery?.delivered).toEqual([result.planned[0]!.id, result.planned[2]!.id]);
  });
});

describe('classifyClientError', () => {
  it('dead-letters payload errors and keeps messages for errors about the webhook', () => {
    expect(classifyClientError(400, 'invalid_blocks')).toBe('rejected');
    expect(classifyClientError(400, 'invalid_payload')).toBe('rejected');
    expect(classifyClientError(400, 'too_many_attachments')).toBe('rejected');
    expect(classifyClientError(413, 'request_too_large')).toBe('rejected');
    expect(classifyClientError(400, 'no_service_id')).toBe('misconfigured');
    expect(classifyClientError(400, 'no_team')).toBe('misconfigured');
    expect(classifyClientError(401, '')).toBe('misconfigured');
    expect(classifyClientError(403, 'action_prohibited')).toBe('misconfigured');
    expect(classifyClientError(404, 'channel_not_found')).toBe('misconfigured');
    expect(classifyClientError(410, 'channel_is_archived')).toBe('misconfigured');
  });
});
