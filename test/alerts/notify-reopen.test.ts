import { fixedClock } from '../../src/model/ports/clock';
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

describe('a finding that opens, resolves and reopens while Slack is down', () => {
  it('queues all three digests and leaves Slack saying it is open', async () => {
    let down = true;
    const server = await startSlackLikeServer(() => (down ? 'server-error' : 'ok'));
    servers.push(server);
    const store = new MemoryStore();
    const { timing } = virtualTiming();
    // One instant for every run: digests planned within the same millisecond must still go out in order.
    const now = new Date(timing.now());
    const run = (retryBudgetMs = 500) =>
      runNotify(
        { store, clock: fixedClock(now) },
        { minSeverity: 'info', webhookUrl: server.url, delivery: { timing, retryBudgetMs } },
      );

    await store.putFindings([finding(1)]);
    const opened = await run();
    await store.putFindings([finding(1, { status: 'resolved' })]);
    const resolved = await run();
    await store.putFindings([finding(1, { status: 'open' })]);
    const reopened = await run();
    expect([opened.newCount, resolved.resolvedCount, reopened.newCount]).toEqual([1, 1, 1]);
    expect(new Set([opened, resolved, reopened].flatMap((r) => r.planned.map((p) => p.id))).size).toBe(3);
    expect(await store.listOutbox()).toHaveLength(3);

    down = false;
    await timing.sleep(60_000);
    const delivered = await run(60_000);
    expect(delivered.delivery?.remaining).toEqual([]);
    const texts = server.accepted().map((b) => b.text);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('1 new finding, 0 resolved');
    expect(texts[1]).toContain('0 new findings, 1 resolved');
    expect(texts[2]).toContain('1 new finding, 0 resolved');
  });
});
