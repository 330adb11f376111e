import { createHash } from 'node:crypto';
import { readState, STATE, type StateKey, type StateValue, writeState } from '../store/state-keys';
import { byCreation, type FleetStore, type OutboxMessage } from '../store/types';
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
  /** Longest pause one 429 may impose, whatever its Retry-After says (default MAX_RETRY_AFTER_MS). */
  maxRetryAfterMs?: number;
}

/**
 * Slack asks for seconds to a minute; a Retry-After of a year (a faulty proxy, or a hostile one) would silence
 * every later notify for that long, so a pause is never longer than this. Past it, the next run simply tries
 * again and gets a fresh Retry-After.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export interface DeadLetter {
  id: string;
  status: number;
  body: string;
  at: string;
  message: OutboxMessage;
}

/** Slack refused the webhook itself (revoked or mistyped URL, deleted or archived channel). */
export interface ConfigurationError {
  status: number;
  /** Slack's error text, e.g. `invalid_token`, `no_service`, `channel_is_archived`; never the URL. */
  body: string;
}

export interface DeliveryReport {
  delivered: string[];
  deadLettered: { id: string; status: number; body: string }[];
  /** Still in the outbox when this run stopped. */
  remaining: string[];
  requests: number;
  /** Why delivery stopped early, if it did. */
  stoppedBecause?: string;
  /** Set when delivery stopped because Slack refused the webhook; every message stays queued. */
  configurationError?: ConfigurationError;
}

/** Per-webhook pacing shared by every run through the store (shape and meaning: src/store/state-keys.ts). */
type WebhookPacing = StateValue<typeof STATE.webhookPacing>;

/**
 * Lifts a stored 429 or outage pause for the webhook (`notify --clear-pause`), keeping the request spacing.
 * Returns the pause that was lifted, if there was one.
 */
export async function clearDeliveryPause(
  store: FleetStore,
  webhookUrl: string,
): Promise<{ until: string; reason?: string } | undefined> {
  const key = rateKey(webhookUrl);
  const stored = await readState(store, key);
  if (stored?.notBefore === undefined) return undefined;
  await writeState(store, key, { at: stored.at });
  return {
    until: new Date(stored.notBefore).toISOString(),
    ...(stored.reason !== undefined && { reason: stored.reason }),
  };
}

function rateKey(webhookUrl: string): StateKey<WebhookPacing> {
  return STATE.webhookPacing.key(createHash('sha256').update(webhookUrl).digest('hex').slice(0, 32));
}

/** Slack's error text as we report it: one line, short, and without the webhook URL or its secret path. */
function redacted(text: string, webhookUrl: string): string {
  let out = text.replace(/\s+/g, ' ').trim();
  let path = '';
  try {
    path = new URL(webhookUrl).pathname;
  } catch {
    // Not a URL (an injected poster's label): only the literal value is hidden.
  }
  for (const secret of [webhookUrl, path.length > 1 ? path : ''])
    if (secret !== '') out = out.split(secret).join('<webhook>');
  return out.slice(0, 200);
}

/**
 * Sends the outbox in order. A message leaves the outbox only after Slack answered 2xx (at-least-once: a
 * crash between Slack's answer and the delete is the one window that can repeat a message). 429 waits
 * Retry-After, 5xx and network errors back off exponentially, both within `retryBudgetMs`; the pause is
 * stored per webhook, so a later run (CLI or Lambda) that starts inside it waits it out or stops.
 * A 4xx about the message itself (400 invalid_blocks, 413) can never succeed: the message is moved to
 * `notify/dead/<id>` and the rest go on. A 4xx about the webhook (401/403/404/410: revoked or mistyped
 * URL, archived channel) would fail every message alike, so delivery stops with all of them still queued
 * and reports a configuration error; the next run after the fix sends them.
 */
export async function deliverOutbox(store: FleetStore, options: DeliveryOptions): Promise<DeliveryReport> {
  const timing = options.timing ?? realTiming;
  const minInterval = options.minIntervalMs ?? 1000;
  const budget = options.retryBudgetMs ?? 120_000;
  const base = options.backoffBaseMs ?? 1000;
  const maxBackoff = options.backoffMaxMs ?? 30_000;
  const maxRetryAfter = options.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS;
  const longestPause = Math.max(maxRetryAfter, maxBackoff);
  const deadline = timing.now() + budget;
  const key = rateKey(options.webhookUrl);
  // Shared through the store so a CLI run and the Lambda (or two runs back to back) keep the spacing too.
  const stored = await readState(store, key);
  let lastRequestAt = stored?.at ?? 0;
  let notBefore =
    stored?.notBefore !== undefined && stored.pauseMs !== undefined
      ? Math.min(stored.notBefore, timing.now() + Math.min(stored.pauseMs, longestPause))
      : 0;
  let pauseReason = stored?.reason;
  // Carried over from earlier runs: a run that starts during an outage must not begin again at the base backoff.
  let failures = stored?.failures ?? 0;

  const report: DeliveryReport = { delivered: [], deadLettered: [], remaining: [], requests: 0 };
  const queue = (await store.listOutbox()).sort(byCreation);

  const stop = (index: number, because: string) => {
    report.stoppedBecause = because;
    report.remaining = queue.slice(index).map((m) => m.id);
    return report;
  };
  /** Slack answered this request: no pause pending any more. */
  const answered = async () => {
    notBefore = 0;
    pauseReason = undefined;
    failures = 0;
    await writeState(store, key, { at: lastRequestAt });
  };

  for (let index = 0; index < queue.length; index++) {
    const message = queue[index]!;
    if ((await readState(store, STATE.deadLetters.key(message.id))) !== undefined) {
      // Dead-lettered by a run that stopped before removing it from the outbox.
      await store.deleteOutbox(message.id);
      continue;
    }
    for (;;) {
      // Capped: a stored time from a machine whose clock runs ahead must not stall delivery.
      const spacing = Math.min(lastRequestAt + minInterval - timing.now(), minInterval);
      const pause = notBefore - timing.now();
      const wait = Math.max(spacing, pause);
      if (wait > 0) {
        if (timing.now() + wait > deadline) {
          return stop(index, pause > spacing && pauseReason !== undefined ? pauseReason : 'time budget used up');
        }
        await timing.sleep(wait);
      }
      const outcome = await options.post(message.payload);
      lastRequestAt = timing.now();
      report.requests++;

      if (outcome.kind === 'accepted') {
        // Removal first: nothing that can fail stands between Slack's 200 and forgetting the message.
        await store.deleteOutbox(message.id);
        report.delivered.push(message.id);
        await answered();
        break;
      }
      if (outcome.kind === 'rejected') {
        const body = redacted(outcome.body, options.webhookUrl);
        const dead: DeadLetter = {
          id: message.id,
          status: outcome.status,
          body,
          at: new Date(timing.now()).toISOString(),
          message,
        };
        await writeState(store, STATE.deadLetters.key(message.id), dead);
        await store.deleteOutbox(message.id);
        report.deadLettered.push({ id: message.id, status: outcome.status, body });
        await answered();
        break;
      }
      if (outcome.kind === 'misconfigured') {
        await answered();
        report.configurationError = { status: outcome.status, body: redacted(outcome.body, options.webhookUrl) };
        const { status, body } = report.configurationError;
        return stop(
          index,
          `Slack refused the webhook (HTTP ${status}${body === '' ? '' : ` ${body}`}): check the webhook URL`,
        );
      }
      const pauseMs =
        outcome.kind === 'rate-limited'
          ? Math.max(Math.min(outcome.retryAfterMs, maxRetryAfter), minInterval)
          : Math.min(maxBackoff, base * 2 ** failures);
      failures++;
      notBefore = lastRequestAt + pauseMs;
      pauseReason =
        outcome.kind === 'rate-limited'
          ? `Slack rate limit (Retry-After ${Math.ceil(pauseMs / 1000)} s${outcome.retryAfterMs > maxRetryAfter ? `, capped from ${Math.ceil(outcome.retryAfterMs / 1000)} s` : ''}) outlasts the time budget`
          : `Slack unavailable (${redacted(outcome.reason, options.webhookUrl)}) after ${failures} attempt(s)`;
      await writeState(store, key, { at: lastRequestAt, notBefore, pauseMs, reason: pauseReason, failures });
    }
  }
  return report;
}
