import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';

type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** What one POST to an incoming webhook came to, in the terms delivery decides on. */
export type PostOutcome =
  | { kind: 'accepted' }
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'rejected'; status: number; body: string }
  | { kind: 'misconfigured'; status: number; body: string };

export type SlackPoster = (payload: Record<string, unknown>) => Promise<PostOutcome>;

/**
 * Slack's error texts that describe the webhook rather than the message (bad or revoked URL, deleted or
 * archived channel, disabled workspace). Slack answers most with 403/404/410, a few with 400.
 */
const WEBHOOK_ERRORS = new Set([
  'invalid_token',
  'no_service',
  'no_service_id',
  'no_team',
  'team_disabled',
  'channel_not_found',
  'channel_is_archived',
  'user_not_found',
  'action_prohibited',
  'posting_to_general_channel_denied',
]);

/**
 * Whether a 4xx other than 408/429 is about this message (it can never succeed; move it aside) or about
 * the webhook (no message can succeed until someone fixes the configuration; keep them all queued).
 * Only 400, 413 and 422 name a problem with the payload; every other 4xx (401, 403, 404, 410, ...) is
 * about where we post, and keeping messages is never lossy while dropping them is.
 */
export function classifyClientError(status: number, body: string): 'rejected' | 'misconfigured' {
  if (WEBHOOK_ERRORS.has(body.trim())) return 'misconfigured';
  return status === 400 || status === 413 || status === 422 ? 'rejected' : 'misconfigured';
}

/** Retry-After is seconds (Slack) or an HTTP date; a missing or odd value means one second. */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  if (value === null || value.trim() === '') return 1000;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - nowMs);
}

/**
 * One POST per call through @slack/webhook. The library's own retries are switched off (retries: 0; it
 * would retry 5xx on its own and drops the Retry-After header), so every resend is decided by the outbox
 * delivery loop. A fetch wrapper keeps the Retry-After header the library does not expose.
 */
export function webhookPoster(url: string, options: { timeoutMs?: number; now?: () => number } = {}): SlackPoster {
  const now = options.now ?? Date.now;
  let retryAfter: string | null = null;
  const fetchKeepingHeaders: FetchFunction = async (input, init) => {
    const response = await fetch(input, init as RequestInit);
    retryAfter = response.headers.get('retry-after');
    // Node's Headers has entries(); the DOM lib typing without DOM.Iterable just does not say so.
    return response as unknown as FetchResponse;
  };
  const webhook = new IncomingWebhook(url, {
    fetch: fetchKeepingHeaders,
    timeout: options.timeoutMs ?? 10_000,
    retryConfig: { retries: 0 },
  });
  return async (payload) => {
    retryAfter = null;
    try {
      await webhook.send(payload as IncomingWebhookSendArguments);
      return { kind: 'accepted' };
    } catch (err) {
      if (err instanceof IncomingWebhookHTTPError) {
        if (err.statusCode === 429) return { kind: 'rate-limited', retryAfterMs: parseRetryAfter(retryAfter, now()) };
        if (err.statusCode >= 500 || err.statusCode === 408)
          return { kind: 'transient', reason: `HTTP ${err.statusCode}` };
        const body = err.body.slice(0, 500);
        return { kind: classifyClientError(err.statusCode, body), status: err.statusCode, body };
      }
      // No answer at all (refused, reset, timeout): Slack may or may not have it; we resend.
      const reason =
        err instanceof Error
          ? err.cause instanceof Error
            ? `${err.message}: ${err.cause.message}`
            : err.message
          : String(err);
      return { kind: 'transient', reason };
    }
  };
}
