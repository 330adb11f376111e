import type { SQSRecord } from 'aws-lambda';
import { ingestOutcomes, type IngestReport } from './ingest';
import { DEFAULT_MAX_AHEAD_SECONDS } from '../sources/clock-skew';
import type { Clock } from '../model/ports/clock';
import type { Ports } from './ports';
import type { FleetStore } from '../store/types';
import { outcomesOfMessage } from '../sources/decode-message';
import { loadVcenterScopes } from '../sources/vsphere/checkpoint';

/** instanceUuid by vCenter CloudEvent source, as the vSphere collections recorded it. */
export type VcenterScopeLookup = () => Promise<Readonly<Record<string, string>>>;

/** `clock` and `maxAheadSeconds` (default 15 min) bound how far ahead an event's time may be. */
export interface IngestMessagePorts extends Ports<'store' | 'clock' | 'logger'> {
  maxAheadSeconds?: number;
  /** Default: read the collected vCenters from the store for this message. */
  vcenterScopes?: VcenterScopeLookup;
}

/** Rejected records logged one by one per message; past this, one summary line by reason. */
const LOGGED_REJECTIONS = 20;

/**
 * Stores the events of one queued message. Bad records come back in the report (they are the sender's to
 * fix, a retry cannot help) and are logged with where they came from (message, line, field); a store failure
 * throws, so the message is retried and, failing that, parked in the dead-letter queue. Re-delivery is harmless:
 * events are idempotent on their id. VEBA events of a vCenter that `collect vsphere` has read get their MoRefs
 * scoped by its instanceUuid, as the collection's do, so both name the same VMs and hosts.
 */
export async function ingestMessage(record: SQSRecord, ports: IngestMessagePorts): Promise<IngestReport> {
  const { store, logger } = ports;
  const vcenterScopes = ports.vcenterScopes ?? (() => loadVcenterScopes(store));
  const outcomes = outcomesOfMessage(record, { vcenterScopes: await vcenterScopes() });
  const future = { clock: ports.clock, maxAheadSeconds: ports.maxAheadSeconds ?? DEFAULT_MAX_AHEAD_SECONDS };
  const report = await ingestOutcomes(store, outcomes, { future });
  for (const r of report.rejected.slice(0, LOGGED_REJECTIONS)) logger.warn('record rejected', { ...r });
  if (report.rejectedCount > LOGGED_REJECTIONS)
    logger.warn('more records rejected', {
      messageId: record.messageId,
      count: report.rejectedCount - LOGGED_REJECTIONS,
      byReason: report.rejectedByReason,
    });
  logger.info('message ingested', {
    messageId: record.messageId,
    accepted: report.accepted,
    duplicates: report.duplicates,
    ignored: report.ignoredCount,
    rejected: report.rejectedCount,
  });
  return report;
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
