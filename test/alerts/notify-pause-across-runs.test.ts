import { systemClock } from '../../src/model/ports/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { runNotify } from '../../src/app/notify';
import { MemoryStore } from '../../src/store/memory-store';
import { finding } from './findings-fixture';
import { startSlackLikeServer, type SlackLikeServer } from '../support/slack-like-server';
import { virtualTiming } from './virtual-timing';

const servers: SlackLikeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function storeWith(n: number) {
  const store = new MemoryStore();
  await store.putFindings(Array.from({ length: n }, (_, i) => finding(i)));
  return store;
}

describe('a 429 or an outage pauses the webhook for later runs too', () => {
  it('does not post again before Retry-After has passed when the next run starts inside it', async () => {
    const { timing, sleeps } = virtualTiming();
    const postedAt: number[] = [];
    const server = await startSlackLikeServer(
      (_, index) => {
        postedAt.push(timing.now());
        return index === 0 ? 'rate-limited' : 'ok';
      },
      { retryAfterSeconds: 30 },
    );
    servers.push(server);
    const store = await storeWith(2);
    const options = (retryBudgetMs: number) => ({
      minSeverity: 'info' as const,
      webhookUrl: server.url,
      delivery: { timing, retryBudgetMs },
    });

    const first = await runNotify({ store, clock: systemClock }, options(10_000));
    expect(first.delivery).toMatchObject({ delivered: [], requests: 1 });
    expect(first.delivery?.stoppedBecause).toMatch(/Retry-After 30 s/);

    await timing.sleep(1000);
    const second = await runNotify({ store, clock: systemClock }, options(10_000));
    expect(second.delivery?.requests).toBe(0);
    expect(second.delivery?.remaining).toEqual(first.planned.map((p) => p.id));
    expect(second.delivery?.stoppedBecause).toMatch(/Retry-After 30 s/);
    expect(server.arrivals).toHaveLength(1);

    sleeps.length = 0;
    const third = await runNotify({ store, clock: systemClock }, options(60_000));
    expect(sleeps).toEqual([29_000]);
    expect(third.delivery?.delivered).toEqual(first.planned.map((p) => p.id));
    expect(postedAt[1]! - postedAt[0]!).toBe(30_000);
    expect(server.accepted()).toHaveLength(1);
  });

  it('keeps the backoff after a 5xx for the next run, which stops rather than post into the outage', async () => {
    const { timing } = virtualTiming();
    let down = true;
    const server = await startSlackLikeServer(() => (down ? 'server-error' : 'ok'));
    servers.push(server);
    const store = await storeWith(1);
    const options = {
      minSeverity: 'info' as const,
      webhookUrl: server.url,
      delivery: { timing, retryBudgetMs: 5000, backoffBaseMs: 10_000 },
    };

    const first = await runNotify({ store, clock: systemClock }, options);
    expect(first.delivery?.stoppedBecause).toMatch(/Slack unavailable \(HTTP 500\) after 1 attempt/);
    await timing.sleep(2000);
    const second = await runNotify({ store, clock: systemClock }, options);
    expect(second.delivery?.requests).toBe(0);
    expect(second.delivery?.stoppedBecause).toMatch(/Slack unavailable \(HTTP 500\)/);
    expect(server.arrivals).toHaveLength(1);

    down = false;
    await timing.sleep(8000);
    const third = await runNotify({ store, clock: systemClock }, options);
    expect(third.delivery?.delivered).toEqual(first.planned.map((p) => p.id));
    expect(server.arrivals.map((a) => a.answer)).toEqual(['server-error', 'ok']);
  });

  it('doubles the outage backoff from run to run instead of starting again at the base', async () => {
    const { timing } = virtualTiming();
    let down = true;
    const server = await startSlackLikeServer(() => (down ? 'server-error' : 'ok'));
    servers.push(server);
    const store = await storeWith(1);
    const options = {
      minSeverity: 'info' as const,
      webhookUrl: server.url,
      delivery: { timing, retryBudgetMs: 5000, backoffBaseMs: 10_000 },
    };

    const first = await runNotify({ store, clock: systemClock }, options);
    expect(first.delivery?.stoppedBecause).toMatch(/after 1 attempt/);
    await timing.sleep(10_000);
    const second = await runNotify({ store, clock: systemClock }, options);
    expect(second.delivery?.requests).toBe(1);
    expect(second.delivery?.stoppedBecause).toMatch(/after 2 attempt/);
    // The second outage answer pauses 20 s, not the base 10 s again: a run 10 s later does not post.
    await timing.sleep(10_000);
    const third = await runNotify({ store, clock: systemClock }, options);
    expect(third.delivery?.requests).toBe(0);
    expect(server.arrivals).toHaveLength(2);

    down = false;
    await timing.sleep(10_000);
    const fourth = await runNotify({ store, clock: systemClock }, options);
    expect(fourth.delivery?.delivered).toEqual(first.planned.map((p) => p.id));
    // An answer resets the count: the next outage starts at the base backoff again.
    down = true;
    await store.putFindings([finding(7)]);
    const fifth = await runNotify({ store, clock: systemClock }, options);
    expect(fifth.delivery?.stoppedBecause).toMatch(/after 1 attempt/);
  });
});
