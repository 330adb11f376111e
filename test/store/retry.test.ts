import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryable, withRetry } from '../../src/store/retry';

const policy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 };

describe('retry policy', () => {
  it('waits a random time up to base·2^attempt, capped', () => {
    expect(backoffDelay(policy, 0, () => 0.999)).toBe(9);
    expect(backoffDelay(policy, 2, () => 0.999)).toBe(39);
    expect(backoffDelay(policy, 10, () => 0.999)).toBe(49);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });

  it('treats throttling, timeouts, 5xx and dropped connections as transient, and validation errors as not', () => {
    const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name }, extra);
    expect(isRetryable(named('ThrottlingException'))).toBe(true);
    expect(isRetryable(named('TimeoutError'))).toBe(true);
    expect(isRetryable(named('Whatever', { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryable(named('Error', { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryable(named('ValidationException', { $metadata: { httpStatusCode: 400 } }))).toBe(false);
    expect(isRetryable('not an error')).toBe(false);
  });

  it('stops after the last attempt and rethrows the last error', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(Object.assign(new Error(`throttled ${calls}`), { name: 'ThrottlingException' }));
    };
    await expect(withRetry({ ...policy, baseDelayMs: 1, maxDelayMs: 1 }, failing)).rejects.toThrow('throttled 4');
    expect(calls).toBe(4);
  });
});
