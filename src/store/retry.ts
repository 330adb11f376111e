/** Bounded exponential backoff with full jitter, for work DynamoDB hands back (UnprocessedItems) or refuses (throttling). */
export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 3_000 };

/** Full jitter: a random wait in [0, min(max, base·2^attempt)], so retrying writers spread out instead of colliding again. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'LimitExceededException',
]);

const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Errors worth another attempt after the SDK's own retries gave up: throttling, timeouts, and a
 * server that dropped the connection (a local server restarting).
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const meta = err as Error & { code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (RETRYABLE_NAMES.has(err.name)) return true;
  if (meta.code !== undefined && RETRYABLE_CODES.has(meta.code)) return true;
  if (meta.$retryable) return true;
  const status = meta.$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

/** Runs `fn` until it succeeds, a non-retryable error, or the policy's attempts are spent. */
export async function withRetry<T>(policy: RetryPolicy, fn: () => Promise<T>, onRetry?: () => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt + 1 >= policy.maxAttempts || !isRetryable(err)) throw err;
      onRetry?.();
      await sleep(backoffDelay(policy, attempt));
    }
  }
}
