import type { SQSRecord } from 'aws-lambda';
import { ingestOutcomes, type IngestReport } from './ingest';
import type { FuturePolicy } from '../sources/clock-skew';
import type { Clock } from '../model/ports/clock';
import type { FleetStore } from '../store/types';
import { outcomesOfMessage } from '../sources/decode-message';
import { loadVcenterScopes } from '../sources/vsphere/checkpoint';

/** instanceUuid by vCenter CloudEvent source, as the vSphere collections recorded it. */
export type VcenterScopeLookup = () => Promise<Readonly<Record<string, string>>>;

/**
 * Stores the events of one queued message. Bad records come back in the report (they are the sender's to
 * fix, a retry cannot help); a store failure throws, so the message is retried and, failing that, parked
 * in the dead-letter queue. Re-delivery is harmless: events are idempotent on their id. VEBA events of a
 * vCenter that `collect vsphere` has read get their MoRefs scoped by its instanceUuid, as the collection's do,
 * so both name the same VMs and hosts.
 */
export async function ingestMessage(
  record: SQSRecord,
  store: FleetStore,
  future?: FuturePolicy,
  vcenterScopes: VcenterScopeLookup = () => loadVcenterScopes(store),
): Promise<IngestReport> {
  const outcomes = outcomesOfMessage(record, { vcenterScopes: await vcenterScopes() });
  return ingestOutcomes(store, outcomes, future ? { future } : {});
}

/**
 * The lookup a long-lived process (a warm Lambda) keeps: read once, then again when older than `maxAgeMs`, so a
 * vCenter collected for the first time is picked up within that time without one store read per message.
 */
export function cachedVcenterScopes(store: FleetStore, maxAgeMs: number, clock: Clock): VcenterScopeLookup {
  let cached: { at: number; scopes: Promise<Readonly<Record<string, string>>> } | undefined;
  return () => {
    const t = clock.now().getTime();
    if (cached === undefined || t - cached.at >= maxAgeMs) {
      const entry = { at: t, scopes: loadVcenterScopes(store) };
      // A failed read is not kept: the next message tries again.
      entry.scopes.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.scopes;
  };
}
