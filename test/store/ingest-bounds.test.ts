import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEnvelope } from '../../src/sources/envelope';
import { ingestOutcomes } from '../../src/app/ingest';
import { MAX_REASON_CHARS, MAX_SUMMARY_KEYS, OTHER_KEY } from '../../src/app/outcome-tally';
import { createLocalPipeline } from '../../src/server/local-pipeline';
import { readSources } from '../../src/sources/read-sources';
import type { SourceOutcome } from '../../src/sources/types';
import { MemoryStore } from '../../src/store/memory-store';
import { runCli } from '../support/run-cli';

function* garbage(files: string[], perFile: number): Generator<SourceOutcome> {
  for (const file of files)
    for (let i = 1; i <= perFile; i++)
      yield {
        kind: 'rejected',
        file,
        record: `line ${i}`,
        reason: `not valid JSON at column ${i % 7}: Unexpected token 'g', "garbage ${i}" is not valid JSON`,
      };
}

describe('bounded ingest report', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-bounds-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the first N rejections in detail and counts every one per reason and per file', async () => {
    const report = await ingestOutcomes(new MemoryStore(), garbage(['a.ndjson', 'b.ndjson'], 5000), { detailLimit: 3 });
    expect(report.rejected.map((r) => `${r.file}:${r.record}`)).toEqual([
      'a.ndjson:line 1',
      'a.ndjson:line 2',
      'a.ndjson:line 3',
    ]);
    expect(report.rejectedCount).toBe(10_000);
    expect(report.bySource.unknown!.rejected).toBe(10_000);
    expect(report.rejectedByFile).toEqual({ 'a.ndjson': 5000, 'b.ndjson': 5000 });
    // Numbers and quoted input folded: one kind of problem is one key.
    expect(report.rejectedByReason).toEqual({
      'not valid JSON at column N: Unexpected token \'…\', "…" is not valid JSON': 10_000,
    });
  });

  it('counts past the key limit under one "others" key and cuts reasons an attacker can make long', async () => {
    const outcomes: SourceOutcome[] = [];
    for (let i = 0; i < MAX_SUMMARY_KEYS + 50; i++)
      outcomes.push({
        kind: 'rejected',
        file: `f${i}.json`,
        reason: `unrecognised input: an object with keys ${'k'.repeat(10_000)}${String.fromCharCode(65 + (i % 26))}${'x'.repeat(i)}`,
      });
    const report = await ingestOutcomes(new MemoryStore(), outcomes);
    expect(Object.keys(report.rejectedByFile)).toHaveLength(MAX_SUMMARY_KEYS + 1);
    expect(report.rejectedByFile[OTHER_KEY]).toBe(50);
    expect(Object.keys(report.rejectedByReason).every((k) => k.length <= MAX_REASON_CHARS + 1)).toBe(true);
    expect(report.rejected.every((r) => r.reason.length <= MAX_REASON_CHARS + 1)).toBe(true);
  });

  it('never lets a file name reach an object prototype', async () => {
    const report = await ingestOutcomes(new MemoryStore(), [{ kind: 'rejected', file: '__proto__', reason: 'x' }]);
    expect(Object.getOwnPropertyNames(report.rejectedByFile)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(report.rejectedByFile)).toBe(Object.prototype);
  });

  it('answers a serve request of 20,000 garbage lines with the counts and only the first 100 in detail', async () => {
    const pipeline = createLocalPipeline({
      store: new MemoryStore(),
      rules: [],
      reportDir: join(dir, 'report'),
      minSeverity: 'high',
    });
    const body = Array.from({ length: 20_000 }, (_, i) => `garbage ${i}`).join('\n');
    const res = await pipeline.ingest({
      body,
      envelope: encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }),
    });
    expect(res.status).toBe(400);
    expect((res.body.rejected as unknown[]).length).toBe(100);
    expect(res.body.rejectedCount).toBe(20_000);
    expect(JSON.stringify(res.body).length).toBeLessThan(64 * 1024);
  }, 60_000);

  it('prints a bounded --json for a file of garbage lines, every line counted', async () => {
    const file = join(dir, 'garbage.ndjson');
    await writeFile(
      file,
      `${JSON.stringify({ id: 'ok-1', time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id: 'vm-1' } })}\n${'garbage line\n'.repeat(30_000)}`,
    );
    const run = await runCli('ingest', file, '--json', '--max-listed', '5', '--data-dir', join(dir, 'store'));
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      accepted: number;
      rejected: unknown[];
      rejectedCount: number;
      rejectedByFile: Record<string, number>;
    };
    expect(out.accepted).toBe(1);
    expect(out.rejected).toHaveLength(5);
    expect(out.rejectedCount).toBe(30_000);
    expect(out.rejectedByFile).toEqual({ [file]: 30_000 });
    expect(run.stdout.length).toBeLessThan(64 * 1024);
  }, 120_000);

  it('counts rejections from the file reader as the CLI does, whatever their number', async () => {
    const file = join(dir, 'many.ndjson');
    await writeFile(file, '{"a":1}\n'.repeat(2000));
    const report = await ingestOutcomes(new MemoryStore(), readSources([file]), { detailLimit: 0 });
    expect(report.rejected).toEqual([]);
    expect(report.rejectedCount).toBe(2000);
  });
});
