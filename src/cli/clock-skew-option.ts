import { Option } from 'commander';
import {
  DEFAULT_MAX_AHEAD_SECONDS,
  MAX_CLOCK_SKEW_ENV,
  maxAheadSecondsFrom,
  type FuturePolicy,
} from '../sources/clock-skew';
import { systemClock } from '../model/ports/clock';
import { UsageError } from './exit-codes';

export const CLOCK_SKEW_FLAG = '--max-clock-skew';

export function clockSkewOption(): Option {
  return new Option(
    `${CLOCK_SKEW_FLAG} <seconds>`,
    `refuse events dated more than this far ahead of this machine's clock (default ${DEFAULT_MAX_AHEAD_SECONDS}, or $${MAX_CLOCK_SKEW_ENV})`,
  );
}

/** The policy from the flag, the environment or the default; a bad value is a usage error naming where it came from. */
export function futurePolicyFrom(flag: string | undefined): FuturePolicy {
  try {
    return { clock: systemClock, maxAheadSeconds: maxAheadSecondsFrom(flag, process.env, CLOCK_SKEW_FLAG) };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
