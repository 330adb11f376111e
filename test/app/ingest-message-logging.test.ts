import { describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message';
import type { FleetEvent } from '../../src/model/event';
import { fixedClock } from '../../src/model/ports/clock';
import { memoryLogger } from '../../src/model/ports/logger';
import { encodeEnvelope } from '../../src/sources/envelope';
import { MemoryStore } from '../../src/store/memory-store';
import { httpSqsRecord } from '../functions/helpers/aws-events';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const sshOff = (id: string, time: string): FleetEvent => ({
  id,
  time,
  type: 'host.upsert',
  host: { id: 'esx-01', services: { 'TSM-SSH': { running: false, policy: 'off' } } },
});
const ndjson = (lines: readonly string[], id: string) =>
  httpSqsRecord(lines.join('\n'), encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }), id);

/** One valid event after `future` events dated a day ahead of the clock. */
async function ingestWithFutureEvents(future: number) {
  const logger = memoryLogger();
  const lines = [
    ...Array.from({ length: future }, (_, i) => JSON.stringify(sshOff(`ahead-${i}`, '2026-06-02T12:00:00Z'))),
    JSON.stringify(sshOff('ok', '2026-06-01T11:00:00Z')),
  ];
  const report = await ingestMessage(ndjson(lines, 'm-1'), {
    store: new MemoryStore(),
    clock: fixedClock(NOW),
    logger,
    maxAheadSeconds: 900,
  });
  return { report, entries: logger.entries };
}

describe('ingestMessage logs what it did through the logger port', () => {
  it('logs one "message ingested" line with the counts when every record is stored', async () => {
    const { entries } = await ingestWithFutureEvents(0);
    expect(entries).toEqual([
      {
        level: 'info',
        message: 'message ingested',
        fields: { messageId: 'm-1', accepted: 1, duplicates: 0, ignored: 0, rejected: 0 },
      },
    ]);
  });

  it('logs each rejected record with its file, line and field before the summary line', async () => {
    const { report, entries } = await ingestWithFutureEvents(2);
    expect(entries.map((e) => [e.level, e.message])).toEqual([
      ['warn', 'record rejected'],
      ['warn', 'record rejected'],
      ['info', 'message ingested'],
    ]);
    expect(entries[0]?.fields).toEqual({ ...report.rejected[0] });
    expect(entries[0]?.fields).toMatchObject({ file: 'http:m-1', record: 'line 1', field: 'time' });
    expect(entries[2]?.fields).toMatchObject({ accepted: 1, rejected: 2 });
  });

  it('logs the first 20 rejected records, then one line counting the rest by reason', async () => {
    const { report, entries } = await ingestWithFutureEvents(23);
    const rejected = entries.filter((e) => e.message === 'record rejected');
    expect(rejected).toHaveLength(20);
    expect(rejected.map((e) => e.fields.record)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`));
    const more = entries.filter((e) => e.message === 'more records rejected');
    expect(more).toEqual([
      {
        level: 'warn',
        message: 'more records rejected',
        fields: { messageId: 'm-1', count: 3, byReason: report.rejectedByReason },
      },
    ]);
    expect(Object.values(report.rejectedByReason)).toEqual([23]);
    expect(entries.at(-1)).toMatchObject({ message: 'message ingested', fields: { accepted: 1, rejected: 23 } });
  });
});
