/** The CLI's exit codes: a contract scripts and CI gates rely on. */
export const EXIT = {
  ok: 0,
  /** Some input was rejected (everything valid beside it was still stored). */
  rejected: 1,
  usage: 2,
  /** An open finding at or above --fail-on. */
  findings: 3,
  /** Slack messages are still queued in the outbox (Slack unreachable within the retry budget). */
  undelivered: 4,
  /** An unexpected failure (store unreachable, a bug); the message says what, HYPERAUDIT_DEBUG=1 adds the stack. */
  internal: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Thrown for a bad flag value or argument; printed without a stack trace, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown for bad user input (a file, a rule, a waiver); printed without a stack trace, exit 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
