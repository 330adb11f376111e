import { createHash } from 'node:crypto';
import type { FleetStore, OutboxMessage } from '../store/types';
import type { SlackPoster } from './slack-poster';

export interface DeliveryTiming {
  /** Milliseconds since the epoch. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realTiming: DeliveryTiming = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface DeliveryOptions {
  /** Identifies the webhook for rate limiting; never stored in clear. */
  webhookUrl: string;
  post: SlackPoster;
  timing?: DeliveryTiming;
  /** Minimum spacing between two requests to the same webhook (Slack allows about one per second). */
  minIntervalMs?: number;
  /**
   * Longest this run spends waiting (request spacing, 429s, outage backoff) before leaving the rest in the
   * outbox, so a run (or a Lambda invocation) ends in bounded time.
   */
  retryBudgetMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface DeadLetter {
  id: string;
  status: number;
  body: string;
  at: string;
  message: OutboxMessage;
}

export interface DeliveryReport {
  delivered: string[];
  deadLettered: { id: string; status: number; body: string }[];
  /** Still in the outbox when this run stopped. */
  remaining: string[];
  requests: number;
  /** Why delivery stopped early, if it did. */
  stoppedBecause?: string;
}

export const DEAD_LETTER_PREFIX = 'notify/dead/';

function rateKey(webhookUrl: string): string {
  return `notify/rate/${createHash('sha256').update(webhookUrl).digest('hex').slice(0, 32)}`;
}

function byOrder(a: OutboxMessage, b: OutboxMessage): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Sends the outbox in order. A message leaves the outbox only after Slack answered 2xx (at-least-once: a
 * crash between Slack's answer and the delete is the one window that can repeat a message). 429 waits
 * Retry-After, 5xx and network errors back off exponentially, both within `retryBudgetMs`; any other 4xx
 * (e.g. invalid_blocks) can never succeed, so the message is moved to `notify/dead/<id>` and the rest go on.
 */
export async function deliverOutbox(store: FleetStore, options: DeliveryOptions): Promise<DeliveryReport> {
  const timing = options.timing ?? realTiming;
  const minInterval = options.minIntervalMs ?? 1000;
  const budget = options.retryBudgetMs ?? 120_000;
  const base = options.backoffBaseMs ?? 1000;
  const maxBackoff = options.backoffMaxMs ?? 30_000;
  const deadline = timing.now() + budget;
  const key = rateKey(options.webhookUrl);
  // Shared through the store so a CLI run and the Lambda (or two runs back to back) keep the spacing too.
  let lastRequestAt = (await store.getMeta<{ at: number }>(key))?.at ?? 0;

  const report: DeliveryReport = { delivered: [], deadLettered: [], remaining: [], requests: 0 };
  const queue = (await store.listOutbox()).sort(byOrder);

  const stop = (index: number, because: string) => {
    report.stoppedBecause = because;
    report.remaining = queue.slice(index).map((m) => m.id);
    return report;
  };

  for (let index = 0; index < queue.length; index++) {
    const message = queue[index]!;
    if ((await store.getMeta(`${DEAD_LETTER_PREFIX}${message.id}`)) !== undefined) {
      // Dead-lettered by a run that stopped before removing it from the outbox.
      await store.deleteOutbox(message.id);
      continue;
    }
    let failures = 0;
    for (;;) {
      // Capped: a stored time from a machine whose clock runs ahead must not stall delivery.
      const spacing = Math.min(lastRequestAt + minInterval - timing.now(), minInterval);
      if (spacing > 0) {
        if (timing.now() + spacing > deadline) return stop(index, 'time budget used up');
        await timing.sleep(spacing);
      }
      const outcome = await options.post(message.payload);
      lastRequestAt = timing.now();
      report.requests++;

      if (outcome.kind === 'accepted') {
        // Removal first: nothing that can fail stands between Slack's 200 and forgetting the message.
        await store.deleteOutbox(message.id);
        report.delivered.push(message.id);
        await store.putMeta(key, { at: lastRequestAt });
        break;
      }
      if (outcome.kind === 'rejected') {
        const dead: DeadLetter = { id: message.id, status: outcome.status, body: outcome.body, at: new Date(timing.now()).toISOString(), message };
        await store.putMeta(`${DEAD_LETTER_PREFIX}${message.id}`, dead);
        await store.deleteOutbox(message.id);
        report.deadLettered.push({ id: message.id, status: outcome.status, body: outcome.body });
        await store.putMeta(key, { at: lastRequestAt });
        break;
      }
      await store.putMeta(key, { at: lastRequestAt });
      const wait =
        outcome.kind === 'rate-limited' ? Math.max(outcome.retryAfterMs, minInterval) : Math.min(maxBackoff, base * 2 ** failures);
      failures++;
      if (timing.now() + wait > deadline) {
        return stop(
          index,
          outcome.kind === 'rate-limited'
            ? `Slack rate limit (Retry-After ${Math.ceil(outcome.retryAfterMs / 1000)} s) outlasts the time budget`
            : `Slack unavailable (${outcome.reason}) after ${failures} attempt(s)`,
        );
      }
      await timing.sleep(wait);
    }
  }
  return report;
}
