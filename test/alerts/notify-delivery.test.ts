import { systemClock } from '../../src/model/ports/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { computeDigest } from '../../src/alerts/digest';
import { digestMessages } from '../../src/alerts/digest-messages';
import { toOutboxMessages } from '../../src/alerts/outbox-messages';
import { runNotify } from '../../src/app/notify';
import { clearDeliveryPause, MAX_RETRY_AFTER_MS } from '../../src/alerts/deliver-outbox';
import { MemoryStore } from '../../src/store/memory-store';
import type { Finding } from '../../src/model/finding';
import { finding, HOSTILE_NAME } from './findings-fixture';
import { expectWithinSlackLimits } from './slack-limits-check';
import { startSlackLikeServer, type SlackAnswer } from '../support/slack-like-server';
import { virtualTiming } from './virtual-timing';
import type { SlackPayload } from '../../src/alerts/digest-messages';

const servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function slack(answer: (index: number) => SlackAnswer) {
  const server = await startSlackLikeServer((_, index) => answer(index));
  servers.push(server);
  return server;
}

async function storeWith(findings: Finding[]) {
  const store = new MemoryStore();
  await store.putFindings(findings);
  return store;
}

/** Seven rules → with a 4-block budget the digest needs three messages. */
const sevenRules = () => Array.from({ length: 7 }, (_, i) => finding(i, { ruleId: `rule-${i}` }));

function fingerprintsOf(bodies: unknown[]): string[] {
  return bodies.map((b) => JSON.stringify(b));
}

describe('notify delivery to a Slack-like webhook', () => {
  // Spacing is checked on the delivery loop's own (virtual) clock, read when each request arrives: the server's
  // wall-clock arrival times drift apart or bunch together on a loaded machine and prove nothing.
  it('delivers every message once, in order, at most one request per second', async () => {
    const { timing } = virtualTiming();
    const sentAt: number[] = [];
    const server = await slack(() => {
      sentAt.push(timing.now());
      return 'ok';
    });
    const store = await storeWith(sevenRules());
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    expect(result.planned).toHaveLength(3);
    expect(result.delivery).toMatchObject({ remaining: [], deadLettered: [] });
    expect(server.arrivals.map((a) => a.body.text)).toEqual(result.planned.map((p) => p.payload.text));
    expect(sentAt).toHaveLength(3);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('waits Retry-After after a 429 and then sends the message once', async () => {
    const { timing } = virtualTiming();
    const sentAt: number[] = [];
    const server = await startSlackLikeServer(
      (_, i) => {
        sentAt.push(timing.now());
        return i === 0 ? 'rate-limited' : 'ok';
      },
      { retryAfterSeconds: 7 },
    );
    servers.push(server);
    const store = await storeWith([finding(1)]);
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } },
    );
    expect(server.arrivals.map((a) => a.answer)).toEqual(['rate-limited', 'ok']);
    expect(sentAt[1]! - sentAt[0]!).toBe(7000);
    expect(result.delivery?.delivered).toHaveLength(1);
  });

  it('caps a year-long Retry-After at the documented maximum, so one 429 cannot silence later runs', async () => {
    const server = await startSlackLikeServer((_, i) => (i === 0 ? 'rate-limited' : 'ok'), {
      retryAfterSeconds: 31_536_000,
    });
    servers.push(server);
    const store = await storeWith([finding(1)]);
    const { timing, sleeps } = virtualTiming();
    const first = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing, retryBudgetMs: 60_000 } },
    );
    expect(first.delivery?.remaining).toHaveLength(1);
    expect(first.delivery?.stoppedBecause).toMatch(/Retry-After 900 s, capped from 31536000 s/);
    // A run past the capped pause sends the message; the stored pause never reaches a year.
    const later = virtualTiming(Date.UTC(2026, 10, 1) + MAX_RETRY_AFTER_MS + 1000);
    const second = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing: later.timing } },
    );
    expect(second.delivery?.delivered).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(later.sleeps).toEqual([]);
  });

  it('lets an operator lift a stored pause so the next run sends at once', async () => {
    const server = await startSlackLikeServer((_, i) => (i === 0 ? 'rate-limited' : 'ok'), { retryAfterSeconds: 600 });
    servers.push(server);
    const store = await storeWith([finding(1)]);
    const { timing, sleeps } = virtualTiming();
    const first = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing, retryBudgetMs: 60_000 } },
    );
    expect(first.delivery?.remaining).toHaveLength(1);
    expect(await clearDeliveryPause(store, server.url)).toMatchObject({
      reason: expect.stringMatching(/Retry-After 600 s/),
    });
    expect(await clearDeliveryPause(store, server.url)).toBeUndefined();
    const second = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing, retryBudgetMs: 60_000 } },
    );
    expect(second.delivery?.delivered).toHaveLength(1);
    expect(sleeps.every((ms) => ms <= 1000)).toBe(true);
  });

  it('backs off exponentially through a 5xx outage and delivers every message exactly once', async () => {
    const server = await slack((i) => (i < 4 ? 'server-error' : 'ok'));
    const store = await storeWith(sevenRules());
    const { timing, sleeps } = virtualTiming();
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    expect(sleeps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    // One arrival per request we decided on: @slack/webhook does not retry behind our back.
    expect(server.arrivals).toHaveLength(result.delivery!.requests);
    expect(server.arrivals).toHaveLength(4 + result.planned.length);
    const accepted = fingerprintsOf(server.accepted());
    expect(accepted).toEqual(result.planned.map((p) => JSON.stringify(p.payload)));
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('keeps undelivered messages when the outage outlasts the retry budget and sends each once when Slack is back', async () => {
    let down = true;
    const server = await slack(() => (down ? 'server-error' : 'ok'));
    const store = await storeWith(sevenRules());
    const { timing } = virtualTiming();
    const first = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing, retryBudgetMs: 20_000 } },
    );
    expect(first.delivery?.delivered).toEqual([]);
    expect(first.delivery?.remaining).toEqual(first.planned.map((p) => p.id));
    expect(first.delivery?.stoppedBecause).toMatch(/HTTP 500/);
    expect((await store.listOutbox()).map((m) => m.id)).toEqual(first.planned.map((p) => p.id));

    down = false;
    const second = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    expect(second.planned).toEqual([]);
    expect(second.delivery?.delivered).toEqual(first.planned.map((p) => p.id));
    expect(fingerprintsOf(server.accepted())).toEqual(first.planned.map((p) => JSON.stringify(p.payload)));
    const third = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } },
    );
    expect(third.delivery?.requests).toBe(0);
    expect(server.accepted()).toHaveLength(first.planned.length);
  });

  it('treats a webhook that refuses connections as an outage and loses nothing', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const store = await storeWith([finding(1), finding(2)]);
    const { timing } = virtualTiming();
    const first = await runNotify(
      { store, clock: systemClock },
      {
        minSeverity: 'info',
        webhookUrl: `http://127.0.0.1:${closedPort}/hook`,
        delivery: { timing, retryBudgetMs: 5000 },
      },
    );
    expect(first.delivery?.remaining).toHaveLength(1);
    expect(first.delivery?.stoppedBecause).toMatch(/unavailable/);
    // The webhook path is the secret; what is reported must not carry it.
    expect(first.delivery?.stoppedBecause).not.toContain('/hook');

    const server = await slack(() => 'ok');
    const second = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } },
    );
    expect(second.delivery?.delivered).toEqual(first.planned.map((p) => p.id));
    expect(server.arrivals).toHaveLength(1);
  });

  it('moves a message Slack rejects with invalid_blocks aside, reports it and still delivers the rest', async () => {
    const server = await slack((i) => (i === 0 ? 'invalid-blocks' : 'ok'));
    const store = await storeWith(sevenRules());
    const { timing } = virtualTiming();
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    const [rejected, ...rest] = result.planned;
    expect(result.delivery?.deadLettered).toEqual([{ id: rejected!.id, status: 400, body: 'invalid_blocks' }]);
    expect(result.delivery?.delivered).toEqual(rest.map((p) => p.id));
    expect(server.arrivals).toHaveLength(result.planned.length);
    expect(await store.getMeta(`notify/dead/${rejected!.id}`)).toMatchObject({
      status: 400,
      message: { id: rejected!.id },
    });
    expect(await store.listOutbox()).toEqual([]);
  });

  it('sends nothing twice when a run crashed after enqueueing but before saving its state', async () => {
    const findings = sevenRules();
    const store = await storeWith(findings);
    const digest = computeDigest(findings, undefined, 'info', new Date().toISOString());
    await store.enqueueOutbox(
      toOutboxMessages(digest, digestMessages(digest, { maxBlocks: 4 }), new Date(Date.now() - 60_000)),
    );

    const server = await slack(() => 'ok');
    const { timing } = virtualTiming();
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing } },
    );
    expect(server.arrivals).toHaveLength(3);
    expect(result.delivery?.delivered).toHaveLength(3);
  });

  it('announces a finding once across runs and its resolution once', async () => {
    const server = await slack(() => 'ok');
    const store = await storeWith([finding(1), finding(2)]);
    const { timing } = virtualTiming();
    const run = () =>
      runNotify({ store, clock: systemClock }, { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } });
    await run();
    await run();
    await store.putFindings([finding(2, { status: 'resolved' })]);
    await run();
    await run();
    const texts = server.accepted().map((b) => b.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('2 new findings, 0 resolved');
    expect(texts[1]).toContain('0 new findings, 1 resolved');
  });

  it('delivers hostile names escaped, and large digests as several messages within Slack limits', async () => {
    const server = await slack(() => 'ok');
    const findings = Array.from({ length: 300 }, (_, i) =>
      finding(i, { ruleId: `rule-${i}`, resourceName: `${HOSTILE_NAME}${'x'.repeat(i * 10)}` }),
    );
    const store = await storeWith(findings);
    const { timing } = virtualTiming();
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, reportUrl: 'https://r.example/a?b=1&c=<2>', delivery: { timing } },
    );
    expect(result.planned.length).toBeGreaterThan(5);
    expect(server.accepted()).toHaveLength(result.planned.length);
    for (const body of server.accepted()) {
      expectWithinSlackLimits(body as unknown as SlackPayload);
      const raw = JSON.stringify(body);
      expect(raw).not.toContain('<img');
      expect(raw).not.toContain('<script');
      expect(raw).not.toContain('<!here>');
      expect(raw).not.toMatch(/@(channel|here|everyone)\b/);
    }
    expect(JSON.stringify(server.accepted()[0])).toContain(
      '<https://r.example/a?b=1&amp;c=%3C2%3E|Open the full report>',
    );
  });

  it('plans without enqueueing, saving state or sending on a dry run', async () => {
    const server = await slack(() => 'ok');
    const store = await storeWith([finding(1)]);
    const result = await runNotify(
      { store, clock: systemClock },
      { minSeverity: 'info', webhookUrl: server.url, dryRun: true },
    );
    expect(result.planned).toHaveLength(1);
    expect(server.arrivals).toEqual([]);
    expect(await store.listOutbox()).toEqual([]);
    expect(await store.getMeta('notify/last')).toBeUndefined();
  });
});

describe('request spacing shared through the store', () => {
  it('waits out the interval left by a previous run on the same webhook, but never longer than one interval', async () => {
    const server = await startSlackLikeServer(() => 'ok');
    try {
      const store = await storeWith([finding(1)]);
      const { timing, sleeps } = virtualTiming();
      const { createHash } = await import('node:crypto');
      const key = `notify/rate/${createHash('sha256').update(server.url).digest('hex').slice(0, 32)}`;
      await store.putMeta(key, { at: timing.now() - 400 });
      await runNotify(
        { store, clock: systemClock },
        { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } },
      );
      expect(sleeps).toEqual([600]);

      await store.putFindings([finding(2)]);
      await store.putMeta(key, { at: timing.now() + 3_600_000 });
      sleeps.length = 0;
      await runNotify(
        { store, clock: systemClock },
        { minSeverity: 'info', webhookUrl: server.url, delivery: { timing } },
      );
      expect(sleeps).toEqual([1000]);
      expect(server.arrivals).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('bounded delivery time', () => {
  it('stops when the time budget is used up by request spacing and leaves the rest queued in order', async () => {
    const server = await startSlackLikeServer(() => 'ok');
    try {
      const store = await storeWith(sevenRules());
      const { timing } = virtualTiming();
      const result = await runNotify(
        { store, clock: systemClock },
        { minSeverity: 'info', webhookUrl: server.url, maxBlocks: 4, delivery: { timing, retryBudgetMs: 1500 } },
      );
      expect(result.delivery?.delivered).toEqual(result.planned.slice(0, 2).map((p) => p.id));
      expect(result.delivery?.remaining).toEqual(result.planned.slice(2).map((p) => p.id));
      expect(result.delivery?.stoppedBecause).toBe('time budget used up');
      expect((await store.listOutbox()).map((m) => m.id)).toEqual(result.delivery?.remaining);
    } finally {
      await server.close();
    }
  });
});
