import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOutcomes } from '../../src/app/ingest';
import { boundedLines, type LineItem } from '../../src/sources/bounded-lines';
import { MemoryStore } from '../../src/store/memory-store';
import { runCli } from '../support/run-cli';
import { collect, eventsOf, rejectedOf } from './helpers';

const ev = (id: string, pad = 0) =>
  JSON.stringify({ id, time: '2024-01-01T00:00:00Z', type: 'vm.upsert', vm: { id, name: 'n'.repeat(pad) } });
const LIMIT = 1024;

async function lines(chunks: (string | Buffer)[], max: number): Promise<LineItem[]> {
  const out: LineItem[] = [];
  for await (const item of boundedLines(
    Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))),
    max,
  ))
    out.push(item);
  return out;
}

describe('line length limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-lines-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an over-long NDJSON line, naming file and line, and keeps the valid lines around it', async () => {
    const file = join(dir, 'long.ndjson');
    await writeFile(file, `${ev('a')}\n${ev('b', 50_000)}\n${ev('c')}\n`);
    const out = await collect([file], { limits: { maxLineBytes: LIMIT } });
    expect(eventsOf(out).map((e) => e.id)).toEqual(['a', 'c']);
    expect(rejectedOf(out)).toEqual([
      expect.objectContaining({
        file,
        record: 'line 2',
        field: 'line',
        reason: `line 2 is ${ev('b', 50_000).length} bytes, over the 1 KiB line limit (--max-line-bytes): skipped to the next line unread`,
      }),
    ]);
  });

  it('stores the valid line before an over-long last line that has no newline', async () => {
    const file = join(dir, 'tail.ndjson');
    await writeFile(file, `${ev('a')}\n${'x'.repeat(200_000)}`);
    const report = await ingestOutcomes(
      new MemoryStore(),
      (async function* () {
        const { readSources } = await import('../../src/sources/read-sources');
        yield* readSources([file], { limits: { maxLineBytes: LIMIT } });
      })(),
    );
    expect(report.accepted).toBe(1);
    expect(report.rejected).toEqual([
      expect.objectContaining({ record: 'line 2', reason: expect.stringContaining('200000 bytes') }),
    ]);
  });

  it('refuses an over-long virsh event line the same way', async () => {
    const file = join(dir, 'virsh.txt');
    const line = (t: string, name: string) => `${t}: event 'lifecycle' for domain '${name}': Started Booted`;
    await writeFile(
      file,
      `# host: kvm-1\n${line('2024-01-01 10:00:00.000+0000', 'web')}\n${line('2024-01-01 10:00:01.000+0000', 'w'.repeat(5000))}\n${line('2024-01-01 10:00:02.000+0000', 'db')}\n`,
    );
    const out = await collect([file], { limits: { maxLineBytes: LIMIT } });
    expect(rejectedOf(out)).toEqual([expect.objectContaining({ source: 'libvirt', record: 'line 3', field: 'line' })]);
    expect(eventsOf(out)).toHaveLength(2);
  });

  it('splits lines across chunk boundaries byte by byte, and a line of exactly the limit with CRLF is kept', async () => {
    const text = `${'a'.repeat(8)}\r\n${'b'.repeat(9)}\n\ncé\n`;
    const bytes = Buffer.from(text);
    const oneByOne = Array.from(bytes, (b) => Buffer.from([b]));
    const expected = [
      { n: 1, line: 'a'.repeat(8) },
      { n: 2, tooLong: 9 },
      { n: 3, line: '' },
      { n: 4, line: 'cé' },
    ];
    expect(await lines(oneByOne, 8)).toEqual(expected);
    expect(await lines([bytes], 8)).toEqual(expected);
  });

  it('reports invalid UTF-8 on its line and goes on', async () => {
    expect(await lines([Buffer.from('ok\ncaf'), Buffer.from([0xe9]), Buffer.from('\nok\n')], 100)).toEqual([
      { n: 1, line: 'ok' },
      { n: 2, invalidUtf8: true },
      { n: 3, line: 'ok' },
    ]);
  });

  it('streams a JSON file over the document limit as NDJSON instead of parsing it whole', async () => {
    const file = join(dir, 'big.json');
    await writeFile(file, `${ev('a')}\n${ev('b')}\n`);
    const out = await collect([file], { limits: { maxDocumentBytes: 16 } });
    expect(eventsOf(out).map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('applies the line limit to NDJSON saved as a .json document too', async () => {
    const file = join(dir, 'govc.json');
    await writeFile(file, `${ev('a')}\n${ev('b', 5000)}\n`);
    const out = await collect([file], { limits: { maxLineBytes: LIMIT } });
    expect(eventsOf(out).map((e) => e.id)).toEqual(['a']);
    expect(rejectedOf(out)).toEqual([expect.objectContaining({ record: 'line 2', field: 'line' })]);
  });

  it('takes the limit from the command line', async () => {
    const file = join(dir, 'cli.ndjson');
    await writeFile(file, `${ev('a')}\n${ev('b', 3000)}\n`);
    const run = await runCli('ingest', file, '--json', '--max-line-bytes', '2048', '--data-dir', join(dir, 'store'));
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { accepted: number; rejected: { record: string; field: string }[] };
    expect(out.accepted).toBe(1);
    expect(out.rejected).toEqual([expect.objectContaining({ record: 'line 2', field: 'line' })]);
  }, 120_000);
});
