import type { FleetEvent } from '../model/event';
import type { PutEventsResult } from './types';

/**
 * `putEvents` failed after some of its events were already stored. Those are named, so a caller that
 * tracks what was stored (serve's incremental evaluation, the ingest report) does not lose them: a retry
 * of the batch would count them as duplicates and never report them again. Thrown only when at least one
 * event was stored; otherwise `putEvents` throws the store's error itself.
 */
export class PartialPutError extends Error {
  override readonly name = 'PartialPutError';
  constructor(
    /** Events stored for the first time by the failed call. */
    readonly written: readonly FleetEvent[],
    /** The call's counts as far as it got: `written` and `subjects` are those events; duplicates and rejections of the batch. */
    readonly result: PutEventsResult,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${reason} (${written.length} new event(s) of the batch were stored before the failure)`);
  }
}
