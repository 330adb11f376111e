import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSources } from '../../src/sources/read-sources';
import { collect, eventsOf, fixture, rejectedOf } from './helpers';

describe('readSources', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-read-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('walks directories recursively in sorted order, skipping dot-files and Markdown notes', async () => {
    const root = join(dir, 'walk');
    await mkdir(join(root, 'b', 'inner'), { recursive: true });
    await mkdir(join(root, 'a'));
    const ev = (id: string) => JSON.stringify({ id, time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id } });
    await writeFile(join(root, 'b', 'inner', 'z.json'), ev('3'));
    await writeFile(join(root, 'b', 'y.json'), ev('2'));
    await writeFile(join(root, 'a', 'x.json'), ev('1'));
    await writeFile(join(root, '.DS_Store'), 'junk');
    await writeFile(join(root, 'README.md'), '# notes');
    const out = await collect([root]);
    // Depth first, names by code unit: b/inner/ sorts before b/y.json.
    expect(eventsOf(out).map((e) => e.id)).toEqual(['1', '3', '2']);
    expect(out).toHaveLength(3);
  });

  it('reports missing paths and unreadable formats as rejections, never throwing', async () => {
    const out = await collect([
      join(dir, 'nope.json'),
      fixture('bad/truncated.json'),
      fixture('bad/syntax-error.json'),
    ]);
    expect(out.map((o) => [o.kind, o.record])).toEqual([
      ['rejected', undefined],
      ['rejected', 'line 2, column 34'],
      ['rejected', 'line 5, column 23'],
    ]);
    expect(rejectedOf(out)[0]!.reason).toBe('cannot read: ENOENT');
    expect(rejectedOf(out)[1]!.reason).toBe('not valid JSON: Unterminated string');
  });

  it('rejects only the line with invalid UTF-8 and keeps the valid lines around it', async () => {
    const out = await collect([fixture('bad/invalid-utf8.ndjson')]);
    expect(
      out.map((o) =>
        o.kind === 'event' ? o.event.id : `${o.kind} ${o.record} ${o.kind === 'rejected' ? o.field : ''}`,
      ),
    ).toEqual(['u-1', 'rejected line 2 encoding', 'u-3']);
  });

  it('names the line of invalid UTF-8 in a whole JSON document', async () => {
    const file = join(dir, 'latin1.json');
    await writeFile(
      file,
      Buffer.concat([Buffer.from('{\n "id": "x",\n "name": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]),
    );
    expect(await collect([file])).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        record: 'line 3',
        field: 'encoding',
        reason: 'invalid UTF-8 on line 3',
      }),
    ]);
  });

  it('reads several JSON values one per line in a .json file (govc output) as NDJSON', async () => {
    const file = join(dir, 'govc.json');
    await writeFile(
      file,
      `${JSON.stringify({ object: 'VirtualMachine:vm-1', type: 'VmPoweredOnEvent', createdTime: '2024-01-01T00:00:00Z', category: 'info', message: 'on', key: 1 })}\n${JSON.stringify({ object: 'VirtualMachine:vm-1', type: 'VmPoweredOffEvent', createdTime: '2024-01-01T00:01:00Z', category: 'info', message: 'off', key: 2 })}\n`,
    );
    expect(eventsOf(await collect([file])).map((e) => e.type)).toEqual(['vm.power_on', 'vm.power_off']);
  });

  it('applies a forced source to every record and refuses formats it cannot read', async () => {
    const out = await collect([fixture('canonical/single.json'), fixture('rvtools/csv/RVTools_tabvHost.csv')], {
      source: 'nova',
    });
    expect(out.map((o) => [o.kind, o.source])).toEqual([
      ['rejected', 'nova'],
      ['rejected', 'nova'],
    ]);
  });

  it('uses the file modification time for snapshot formats, so the same file gives the same ids twice', async () => {
    const file = join(dir, 'pve.json');
    await writeFile(
      file,
      JSON.stringify({ data: [{ id: 'node/pve9', type: 'node', node: 'pve9', status: 'online' }] }),
    );
    const when = new Date('2024-05-05T05:05:05Z');
    await utimes(file, when, when);
    const a = eventsOf(await collect([file]));
    const b = eventsOf(await collect([file]));
    expect(a[0]!.time).toBe('2024-05-05T05:05:05.000Z');
    expect(b.map((e) => e.id)).toEqual(a.map((e) => e.id));
  });

  it('streams NDJSON from a pipe: the first record is out before the writer has finished', async () => {
    const fifo = join(dir, 'events.pipe');
    execFileSync('mkfifo', [fifo]);
    const writer = createWriteStream(fifo);
    const line = (i: number) =>
      `${JSON.stringify({ id: `p${i}`, time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id: `vm-${i}` } })}\n`;
    writer.write(line(0));
    const it = readSources([fifo])[Symbol.asyncIterator]();
    // Were the whole input read before yielding, this would wait for an end that only comes below.
    const first = await it.next();
    expect(first.value).toMatchObject({ kind: 'event', record: 'line 1', event: { id: 'p0' } });
    // The reader applies backpressure (the pipe fills while nobody pulls), so write while consuming.
    const writing = (async () => {
      for (let i = 1; i < 5000; i++) if (!writer.write(line(i))) await once(writer, 'drain');
      writer.end();
    })();
    let count = 1;
    for (let r = await it.next(); !r.done; r = await it.next()) if (r.value.kind === 'event') count++;
    await writing;
    expect(count).toBe(5000);
  });

  it('reads a 200,000-line NDJSON file completely, one outcome per line', async () => {
    const file = join(dir, 'big.ndjson');
    const lines = 200_000;
    const ws = createWriteStream(file);
    for (let i = 0; i < lines; i++) {
      const line = `${JSON.stringify({ id: `e${i}`, time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id: `vm-${i % 1000}` } })}\n`;
      if (!ws.write(line)) await once(ws, 'drain');
    }
    ws.end();
    await once(ws, 'finish');
    let count = 0;
    let lastRecord = '';
    for await (const o of readSources([file])) {
      if (o.kind === 'event') count++;
      lastRecord = o.record ?? '';
    }
    expect(count).toBe(lines);
    expect(lastRecord).toBe(`line ${lines}`);
  });
});
