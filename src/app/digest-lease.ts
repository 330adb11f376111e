import { randomUUID } from 'node:crypto';
import { LEASE_MS, leaseEndFromNow, type FindingDigestStore } from '../store/finding-digests';

/**
 * A writer's lease on the digest groups it writes (docs/store.md, "Finding digests", Leases): put before its first
 * bare token, deleted after its closing one, so a full audit that lists the records while the writer may still write
 * (or died writing) puts no digest in those groups.
 */

/** How often a writer renews its lease while it writes: three renewals a lease, so a late one is not its end. */
export const RENEW_MS = LEASE_MS / 3;

/** A writer's lease on its groups, renewed while it writes. */
export interface HeldLease {
  /** Stops renewing and deletes the lease (after the closing tokens). */
  release(): Promise<void>;
  /** Stops renewing; the lease runs out by itself. */
  stop(): void;
}

/**
 * Takes a lease on `groups` for a new writer and renews it every `RENEW_MS` until released or stopped. A writer
 * must not write past its lease: the renewals keep a long write covered; one the process cannot send (it was
 * suspended, or the table refused it) leaves the write uncovered only if the writer is also killed before its
 * closing tokens (docs/store.md, "Finding digests").
 */
export async function holdLease(
  records: FindingDigestStore,
  profile: string,
  groups: readonly string[],
): Promise<HeldLease> {
  const writer = randomUUID();
  await records.lease(profile, writer, groups, leaseEndFromNow());
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewing.then(() => records.lease(profile, writer, groups, leaseEndFromNow())).catch(() => undefined);
  }, RENEW_MS);
  timer.unref?.();
  const stop = () => clearInterval(timer);
  return {
    stop,
    async release() {
      stop();
      // A renewal still in flight would put the lease back after its delete.
      await renewing;
      // The findings are written and closed by then: a lease left behind only runs out, so its delete may fail.
      await records.release(profile, writer, groups).catch(() => undefined);
    },
  };
}
