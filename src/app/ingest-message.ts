import type { SQSRecord } from 'aws-lambda';
import { ingestOutcomes, type IngestReport } from './ingest';
import type { FuturePolicy } from '../sources/clock-skew';
import type { FleetStore } from '../store/types';
import { outcomesOfMessage } from '../sources/decode-message';

/**
 * Stores the events of one queued message. Bad records come back in the report (they are the sender's to
 * fix, a retry cannot help); a store failure throws, so the message is retried and, failing that, parked
 * in the dead-letter queue. Re-delivery is harmless: events are idempotent on their id.
 */
export async function ingestMessage(
  record: SQSRecord,
  store: FleetStore,
  future?: FuturePolicy,
): Promise<IngestReport> {
  return ingestOutcomes(store, outcomesOfMessage(record), future ? { future } : {});
}
