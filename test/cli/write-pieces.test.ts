import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeTextPieces } from '../../src/cli/write-pieces';

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

  it('writes to a file the bytes of each piece encoded on its own, and counts them', () => {
    dir = mkdtempSync(join(tmpdir(), 'hyperaudit-pieces-'));
    const file = join(dir, 'out.json');
    const pieces = mixedPieces();
    const bytes = writeTextPieces(pieces, file);
    const written = readFileSync(file);
    expect(written.equals(expected(pieces))).toBe(true);
    expect(bytes).toBe(written.length);
    expect(writeTextPieces([], file)).toBe(0);
    expect(readFileSync(file).length).toBe(0);
  });

  it('gives stdout a buffer it may keep: no buffer handed over is written into again', () => {
    const handed: { buffer: Buffer; copy: Buffer }[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      const buffer = chunk as Buffer;
      handed.push({ buffer, copy: Buffer.from(buffer) });
      return true;
    });
    const pieces = mixedPieces();
    const bytes = writeTextPieces(pieces, undefined);
    expect(handed.length).toBeGreaterThan(2);
    for (const { buffer, copy } of handed) expect(buffer.equals(copy)).toBe(true);
    expect(Buffer.concat(handed.map((h) => h.buffer)).equals(expected(pieces))).toBe(true);
    expect(bytes).toBe(expected(pieces).length);
  });
});
