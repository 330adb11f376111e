import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeTextPieces } from '../../src/cli/write-pieces';
import { EncodedText, LentBytes, type TextPiece } from '../../src/report/formats/encoded-text';

/** Small and large pieces, multi-byte text, a lone surrogate (encoded as U+FFFD, as Buffer.from does). */
function mixedPieces(): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < 5000; i++) pieces.push(`{"n": ${i}, "text": "é – 😀 ${'x'.repeat(i % 300)}"},`);
  pieces.push('\ud800 lone');
  pieces.push('ü'.repeat(700_000)); // over a third of the buffer: written on its own
  pieces.push('');
  pieces.push('end\n');
  return pieces;
}
const expected = (pieces: string[]) => Buffer.concat(pieces.map((p) => Buffer.from(p, 'utf8')));

describe('Function: writeTextPieces', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it('writes to a file the bytes of each piece encoded on its own, and counts them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pieces-'));
    const file = join(dir, 'out.json');
    const pieces = mixedPieces();
    const bytes = await writeTextPieces(pieces, file);
    const written = readFileSync(file);
    expect(written.equals(expected(pieces))).toBe(true);
    expect(bytes).toBe(written.length);
    expect(await writeTextPieces([], file)).toBe(0);
    expect(readFileSync(file).length).toBe(0);
  });

  it('writes the joined text: a surrogate pair split between pieces is one character, a half before encoded bytes U+FFFD', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pieces-'));
    const file = join(dir, 'out.json');
    const emoji = '😀';
    const pieces: TextPiece[] = [`a${emoji[0]}`, `${emoji[1]}b${emoji[0]}`, new EncodedText('c'), 'd'];
    const bytes = await writeTextPieces(pieces, file);
    expect(readFileSync(file, 'utf8')).toBe(`a${emoji}b\ufffdcd`);
    expect(bytes).toBe(readFileSync(file).length);
  });

  it('copies encoded pieces as their bytes between text pieces, small, repeated and larger than its buffer', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pieces-'));
    const file = join(dir, 'out.json');
    const shared = new EncodedText('"ünïcode – 😀",\n');
    const large = new EncodedText('é'.repeat(600_000));
    const pieces: TextPiece[] = [];
    for (let i = 0; i < 20_000; i++) pieces.push(`{"n": ${i}}`, shared);
    pieces.push(large, 'tail', large, new EncodedText(''), 'end\n');
    const text = pieces.map((p) => (typeof p === 'string' ? p : p.text));
    const bytes = await writeTextPieces(pieces, file);
    expect(readFileSync(file).equals(expected(text))).toBe(true);
    expect(bytes).toBe(expected(text).length);
    const handed: Buffer[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      handed.push(Buffer.from(chunk as Buffer));
      return true;
    });
    expect(await writeTextPieces(pieces, undefined)).toBe(expected(text).length);
    expect(Buffer.concat(handed).equals(expected(text))).toBe(true);
    expect(shared.bytes.equals(Buffer.from(shared.text, 'utf8'))).toBe(true);
  });

  it('gives stdout a buffer it may keep: no buffer handed over is written into again', async () => {
    const handed: { buffer: Buffer; copy: Buffer }[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      const buffer = chunk as Buffer;
      handed.push({ buffer, copy: Buffer.from(buffer) });
      return true;
    });
    const pieces = mixedPieces();
    const bytes = await writeTextPieces(pieces, undefined);
    expect(handed.length).toBeGreaterThan(2);
    for (const { buffer, copy } of handed) expect(buffer.equals(copy)).toBe(true);
    expect(Buffer.concat(handed.map((h) => h.buffer)).equals(expected(pieces))).toBe(true);
    expect(bytes).toBe(expected(pieces).length);
  });

  it('copies lent bytes before asking for the next piece, and gives stdout its own copy of lent bytes it keeps', async () => {
    // One buffer lent again and again, as JsonBytes does: written over as soon as the next piece is asked for.
    const lent = Buffer.alloc(1_500_000);
    const texts = ['ä'.repeat(1000), 'b'.repeat(700_000), 'c'.repeat(1_400_000), 'd'];
    function* pieces(): Generator<TextPiece> {
      for (const text of texts) {
        const n = lent.write(text, 0, 'utf8');
        yield new LentBytes(lent.subarray(0, n));
        lent.fill(0x21);
        yield '|';
      }
    }
    const want = Buffer.from(texts.join('|') + '|', 'utf8');
    dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pieces-'));
    const file = join(dir, 'out.json');
    expect(await writeTextPieces(pieces(), file)).toBe(want.length);
    expect(readFileSync(file).equals(want)).toBe(true);
    const handed: { buffer: Buffer; copy: Buffer }[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      const buffer = chunk as Buffer;
      handed.push({ buffer, copy: Buffer.from(buffer) });
      return true;
    });
    expect(await writeTextPieces(pieces(), undefined)).toBe(want.length);
    for (const { buffer, copy } of handed) expect(buffer.equals(copy)).toBe(true);
    expect(Buffer.concat(handed.map((h) => h.buffer)).equals(want)).toBe(true);
  });

  it('waits for a slow reader to take each buffer instead of queueing the whole output in memory', async () => {
    const received: Buffer[] = [];
    let mostPending = 0;
    const slowReader = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk);
        setImmediate(done);
      },
    });
    const pieces = Array.from({ length: 40_000 }, (_, i) => `{"n": ${i}, "pad": "${'y'.repeat(200)}"},\n`);
    const writing = writeTextPieces(
      (function* () {
        for (const piece of pieces) {
          mostPending = Math.max(mostPending, slowReader.writableLength);
          yield piece;
        }
      })(),
      undefined,
      slowReader,
    );
    const bytes = await writing;
    // 8 MB of output; never more than one buffer (1 MiB) waiting for the reader.
    expect(mostPending).toBeLessThanOrEqual(1 << 20);
    expect(Buffer.concat(received).equals(expected(pieces))).toBe(true);
    expect(bytes).toBe(expected(pieces).length);
  });

  it('stops writing, without hanging, once the reader has gone', async () => {
    let writes = 0;
    const leaving = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        writes += 1;
        // The reader leaves after the first buffer, as `| head` does: the stream closes with its first write pending.
        setImmediate(() => leaving.destroy());
        void done;
      },
    });
    const pieces = Array.from({ length: 40_000 }, () => `${'z'.repeat(200)}\n`);
    await writeTextPieces(pieces, undefined, leaving);
    expect(writes).toBe(1);
  });
});
