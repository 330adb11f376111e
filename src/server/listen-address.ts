import { UsageError } from '../cli/exit-codes';

/**
 * `serve` accepts fleet data and hands out reports with one bearer token and no TLS: fine on loopback,
 * not on a network interface. So the only address it binds is 127.0.0.1, whatever --host says.
 */
export const LOOPBACK = '127.0.0.1';

export function loopbackHost(requested: string | undefined): string {
  if (requested === undefined || requested === LOOPBACK || requested === 'localhost') return LOOPBACK;
  throw new UsageError(
    `--host ${JSON.stringify(requested)}: serve binds 127.0.0.1 only (no TLS; put a TLS-terminating proxy or the AWS deployment in front for remote senders)`,
  );
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 8787;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`--port ${JSON.stringify(value)}: a number from 0 to 65535`);
  return Number(value);
}

export const MIN_TOKEN_LENGTH = 16;

/** The token from --token or HYPERAUDIT_TOKEN; short ones are refused because the endpoint has no rate limit. */
export function checkToken(token: string): string {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new UsageError(`the bearer token must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return token;
}
