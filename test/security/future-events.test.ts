import { copyFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/app/ingest-message';
import { encodeEnvelope } from '../../src/sources/envelope';
import type { FleetEvent } from '../../src/model/event';
import { ingestOutcomes } from '../../src/app/ingest';
import {
  futureTimeProblem,
  maxAheadSecondsFrom,
  MAX_CLOCK_SKEW_ENV,
  type FuturePolicy,
} from '../../src/sources/clock-skew';
import { fixedClock } from '../../src/model/ports/clock';
import { quietLogger } from '../../src/model/ports/logger';
import { readSources } from '../../src/sources/read-sources';
import type { SourceOutcome } from '../../src/sources/types';
import { MemoryStore } from '../../src/store/memory-store';
import { httpSqsRecord } from '../functions/helpers/aws-events';
import { runCli } from '../support/run-cli';
import { fixture } from '../sources/helpers';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const policy: FuturePolicy = { clock: fixedClock(NOW), maxAheadSeconds: 900 };
const at = (offsetSeconds: number) => new Date(NOW + offsetSeconds * 1000).toISOString();
const sshOff = (id: string, time: string): FleetEvent => ({
  id,
  time,
  type: 'host.upsert',
  host: { id: 'esx-01', services: { 'TSM-SSH': { running: false, policy: 'off' } } },
});
const outcome = (event: FleetEvent, record: string): SourceOutcome => ({
  kind: 'event',
  source: 'canonical',
  event,
  file: 'events.ndjson',
  record,
});

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hyperaudit-future-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('clock-skew policy at ingest', () => {
  it('refuses an event dated 9999-12-31 with field time and how far ahead it is, and stores the valid one beside it', async () => {
    const store = new MemoryStore();
    const report = await ingestOutcomes(
      store,
      [outcome(sshOff('forged', '9999-12-31T23:59:59Z'), 'line 1'), outcome(sshOff('ok', at(-60)), 'line 2')],
      { future: policy },
    );
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      {
        file: 'events.ndjson',
        record: 'line 1',
        field: 'time',
        reason: expect.stringMatching(/^\d+ s ahead of the receiving clock, limit 900 s$/),
      },
    ]);
    expect(report.bySource.canonical?.rejected).toBe(1);
  });

  it('accepts an event inside the limit and refuses one just past it, measured on the injected clock', async () => {
    const report = await ingestOutcomes(
      new MemoryStore(),
      [outcome(sshOff('a', at(900)), 'line 1'), outcome(sshOff('b', at(901)), 'line 2')],
      { future: policy },
    );
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      {
        file: 'events.ndjson',
        record: 'line 2',
        field: 'time',
        reason: '901 s ahead of the receiving clock, limit 900 s',
      },
    ]);
  });

  it('applies the limit configured for the receiver', () => {
    expect(futureTimeProblem(at(120), { clock: fixedClock(NOW), maxAheadSeconds: 60 })).toBe(
      '120 s ahead of the receiving clock, limit 60 s',
    );
    expect(maxAheadSecondsFrom(undefined, { [MAX_CLOCK_SKEW_ENV]: '60' }, '--max-clock-skew')).toBe(60);
    expect(maxAheadSecondsFrom('30', { [MAX_CLOCK_SKEW_ENV]: '60' }, '--max-clock-skew')).toBe(30);
    expect(maxAheadSecondsFrom(undefined, {}, '--max-clock-skew')).toBe(900);
    expect(() => maxAheadSecondsFrom(undefined, { [MAX_CLOCK_SKEW_ENV]: 'soon' }, '--max-clock-skew')).toThrow(
      new RegExp(MAX_CLOCK_SKEW_ENV),
    );
  });

  it('refuses future events that arrive over HTTP through the ingest function', async () => {
    const body = [
      JSON.stringify({ ...sshOff('forged', '9999-12-31T00:00:00Z'), type: 'host.upsert' }),
      JSON.stringify(sshOff('ok', at(0))),
    ].join('\n');
    const report = await ingestMessage(
      httpSqsRecord(body, encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }), 'm-1'),
      { store: new MemoryStore(), ...policy, logger: quietLogger },
    );
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([expect.objectContaining({ file: 'http:m-1', record: 'line 1', field: 'time' })]);
  });

  it('says so when the event time came from a file modification time set in the future', async () => {
    // Proxmox /cluster/resources carries no time; the file's mtime stands in for it.
    const file = join(work, 'cluster-resources-bare.json');
    await copyFile(fixture('proxmox', 'cluster-resources-bare.json'), file);
    const future = new Date('2099-01-01T00:00:00Z');
    await utimes(file, future, future);
    const out: SourceOutcome[] = [];
    for await (const o of readSources([file], { future: policy })) out.push(o);
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((o) => o.kind !== 'event')).toBe(true);
    const rejected = out.filter((o) => o.kind === 'rejected');
    expect(rejected[0]).toMatchObject({
      file,
      field: 'time',
      reason: expect.stringMatching(
        /^the file's modification time, used as event time because the record carries none, is \d+ s ahead of the receiving clock, limit 900 s$/,
      ),
    });
    const report = await ingestOutcomes(new MemoryStore(), readSources([file], { future: policy }), { future: policy });
    expect(report.accepted).toBe(0);
  });

  it('keeps a file whose records carry their own times even when its mtime is in the future', async () => {
    const file = join(work, 'own-times.ndjson');
    await writeFile(file, `${JSON.stringify(sshOff('own', at(-3600)))}\n`);
    await utimes(file, new Date('2099-01-01T00:00:00Z'), new Date('2099-01-01T00:00:00Z'));
    const report = await ingestOutcomes(new MemoryStore(), readSources([file], { future: policy }), { future: policy });
    expect(report).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('hyperaudit ingest refuses a two-hour-ahead event by default and takes it under --max-clock-skew 86400', async () => {
    const file = join(work, 'ahead.ndjson');
    const ahead = new Date(Date.now() + 2 * 3600_000).toISOString();
    await writeFile(file, `${JSON.stringify(sshOff('ahead', ahead))}\n`);
    const dataDir = join(work, 'store');
    const refused = await runCli('ingest', file, '--data-dir', dataDir, '--json');
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout) as { accepted: number; rejected: { field: string; reason: string }[] };
    expect(report.accepted).toBe(0);
    expect(report.rejected[0]).toMatchObject({
      field: 'time',
      reason: expect.stringMatching(/^\d+ s ahead of the receiving clock, limit 900 s$/),
    });
    const taken = await runCli('ingest', file, '--data-dir', dataDir, '--json', '--max-clock-skew', '86400');
    expect(taken.code).toBe(0);
    expect(JSON.parse(taken.stdout)).toMatchObject({ accepted: 1 });
    const bad = await runCli('ingest', file, '--data-dir', dataDir, '--max-clock-skew', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-clock-skew must be a whole number of seconds');
  }, 120_000);
});
