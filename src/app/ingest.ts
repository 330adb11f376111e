import { getOrCreate } from '../model/get-or-create';
import { defaultFuturePolicy, futureTimeProblem, type FuturePolicy } from '../sources/clock-skew';
import type { SourceOutcome } from '../sources/types';
import { BoundedCounts, DEFAULT_DETAIL_LIMIT, DetailList, reasonKey, type RecordDetail } from './outcome-tally';
import { PartialPutError } from '../store/partial-put-error';
import type { FleetStore, PutEventsResult } from '../store/types';

export interface SourceCounts {
  accepted: number;
  duplicates: number;
  ignored: number;
  rejected: number;
}

export interface IngestReport {
  /** Events stored for the first time. */
  accepted: number;
  /** Events already stored (same id and time): re-delivery, or the same file ingested again. */
  duplicates: number;
  /** The first `detailLimit` ignored records; `ignoredCount` counts them all. */
  ignored: { file: string; record?: string; reason: string }[];
  /** The first `detailLimit` rejected records; `rejectedCount` counts them all. */
  rejected: { file: string; record?: string; field?: string; reason: string }[];
  bySource: Record<string, SourceCounts>;
  // Bounded summaries (issue 11): counts of every ignored/rejected record, per reason (numbers and quoted input
  // folded) and per file, at most MAX_SUMMARY_KEYS keys each, the rest under OTHER_KEY.
  ignoredCount: number;
  rejectedCount: number;
  ignoredByReason: Record<string, number>;
  rejectedByReason: Record<string, number>;
  rejectedByFile: Record<string, number>;
  /** Entities that new events touched (each once), for incremental evaluation. */
  subjects: PutEventsResult['subjects'];
}

export interface IngestProgress extends SourceCounts {
  /** Outcomes consumed so far (events, ignored and rejected records). */
  processed: number;
}

export interface IngestOptions {
  /** Events per putEvents call. */
  batchSize?: number;
  /** putEvents calls in flight, so reading the next batch overlaps writing this one. */
  concurrency?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Clock-skew policy: events dated further ahead of its clock are rejected (field `time`). Default: system clock, 15 min. */
  future?: FuturePolicy;
  /** Ignored and rejected records kept in detail (each list); all are counted. Default DEFAULT_DETAIL_LIMIT. */
  detailLimit?: number;
}

/**
 * A store write failed, so the ingest stopped. `report` holds what was done before the failure (events
 * stored, duplicates, rejections); re-running the ingest stores the rest and counts the stored as duplicates.
 */
export class IngestError extends Error {
  override readonly name = 'IngestError';
  constructor(
    readonly report: IngestReport,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `ingest stopped: the store failed (${reason.split('\n')[0]}); ${report.accepted} event(s) stored and ${report.duplicates} duplicate(s) before it; re-run the ingest to store the rest`,
    );
  }
}

/** Source name for a rejection the reader could not attribute (e.g. a file no normaliser recognised). */
export const UNKNOWN_SOURCE = 'unknown';

/**
 * Stores every event outcome, counting each as accepted or duplicate, and collects ignored and
 * rejected records with their location. A rejection never holds back the valid events around it.
 * Events are batched per source so each batch's counts belong to one source.
 */
export async function ingestOutcomes(
  store: FleetStore,
  outcomes: AsyncIterable<SourceOutcome> | Iterable<SourceOutcome>,
  options: IngestOptions = {},
): Promise<IngestReport> {
  const batchSize = options.batchSize ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const detailLimit = Math.max(0, options.detailLimit ?? DEFAULT_DETAIL_LIMIT);
  const ignoredList = new DetailList(detailLimit);
  const rejectedList = new DetailList(detailLimit);
  const ignoredByReason = new BoundedCounts();
  const rejectedByReason = new BoundedCounts();
  const rejectedByFile = new BoundedCounts();
  const totals = {
    accepted: 0,
    duplicates: 0,
    bySource: {} as Record<string, SourceCounts>,
    subjects: [] as IngestReport['subjects'],
  };
  const report = (): IngestReport => ({
    ...totals,
    ignored: ignoredList.items,
    rejected: rejectedList.items,
    ignoredCount: ignoredList.count,
    rejectedCount: rejectedList.count,
    ignoredByReason: ignoredByReason.toJSON(),
    rejectedByReason: rejectedByReason.toJSON(),
    rejectedByFile: rejectedByFile.toJSON(),
  });
  const reject = (detail: RecordDetail) => {
    rejectedList.add(detail);
    rejectedByReason.add(reasonKey(detail.reason));
    rejectedByFile.add(detail.file);
  };
  const seenSubjects = new Set<string>();
  const buffers = new Map<string, Extract<SourceOutcome, { kind: 'event' }>[]>();
  const inFlight = new Set<Promise<void>>();
  /** The first failed write; once set, no outcome is consumed and no write started. */
  let failure: { error: unknown } | undefined;
  let processed = 0;
  const future = options.future ?? defaultFuturePolicy();

  const counts = (source: string): SourceCounts =>
    (totals.bySource[source] ??= { accepted: 0, duplicates: 0, ignored: 0, rejected: 0 });
  const progress = () =>
    options.onProgress?.({
      processed,
      accepted: totals.accepted,
      duplicates: totals.duplicates,
      ignored: ignoredList.count,
      rejected: rejectedList.count,
    });

  const write = async (source: string, batch: Extract<SourceOutcome, { kind: 'event' }>[]) => {
    let result: PutEventsResult;
    try {
      result = await store.putEvents(batch.map((o) => o.event));
    } catch (err) {
      // What was stored before the failure still counts, so the error reports it.
      if (err instanceof PartialPutError) count(source, batch, err.result);
      throw err;
    }
    count(source, batch, result);
  };

  const count = (source: string, batch: Extract<SourceOutcome, { kind: 'event' }>[], result: PutEventsResult) => {
    totals.accepted += result.written;
    totals.duplicates += result.duplicates;
    const c = counts(source);
    c.accepted += result.written;
    c.duplicates += result.duplicates;
    if (result.rejected?.length) {
      const byId = new Map(batch.map((o) => [o.event.id, o]));
      for (const r of result.rejected) {
        const o = byId.get(r.id);
        c.rejected++;
        reject({ file: o?.file ?? '?', ...(o?.record !== undefined && { record: o.record }), reason: r.reason });
      }
    }
    for (const subject of result.subjects) {
      const key = `${subject.kind}#${subject.id}`;
      if (seenSubjects.has(key)) continue;
      seenSubjects.add(key);
      totals.subjects.push(subject);
    }
    progress();
  };

  const flush = async (source: string) => {
    const events = buffers.get(source);
    if (!events || events.length === 0) return;
    buffers.delete(source);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined) return;
    // The handler is attached now, not when the loop next waits on writes: a write failing while the loop
    // awaits a slow source would otherwise be an unhandled rejection, which ends the process.
    const task: Promise<void> = write(source, events)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  try {
    for await (const outcome of outcomes) {
      if (failure !== undefined) break;
      processed++;
      if (outcome.kind === 'event') {
        const problem = futureTimeProblem(outcome.event.time, future);
        if (problem !== undefined) {
          counts(outcome.source).rejected++;
          reject({
            file: outcome.file,
            ...(outcome.record !== undefined && { record: outcome.record }),
            field: 'time',
            reason: problem,
          });
          continue;
        }
      }
      switch (outcome.kind) {
        case 'event': {
          const buffer = getOrCreate(buffers, outcome.source, () => []);
          buffer.push(outcome);
          if (buffer.length >= batchSize) await flush(outcome.source);
          break;
        }
        case 'ignored':
          counts(outcome.source ?? UNKNOWN_SOURCE).ignored++;
          ignoredList.add({
            file: outcome.file,
            ...(outcome.record !== undefined && { record: outcome.record }),
            reason: outcome.reason,
          });
          ignoredByReason.add(reasonKey(outcome.reason));
          break;
        case 'rejected':
          counts(outcome.source ?? UNKNOWN_SOURCE).rejected++;
          reject({
            file: outcome.file,
            ...(outcome.record !== undefined && { record: outcome.record }),
            ...(outcome.field !== undefined && { field: outcome.field }),
            reason: outcome.reason,
          });
          break;
      }
    }
    for (const source of [...buffers.keys()]) await flush(source);
  } finally {
    // Settle every write before reporting or rethrowing, so no batch is left half-observed. Tasks never
    // reject (their handler records the failure), so this waits for all of them.
    await Promise.all(inFlight);
  }
  if (failure !== undefined) throw new IngestError(report(), failure.error);
  progress();
  return report();
}
