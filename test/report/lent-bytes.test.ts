import { describe, expect, it } from 'vitest';
import { LentBytes, type TextPiece } from '../../src/report/formats/encoded-text';
import { JsonBytes } from '../../src/report/formats/json-bytes';
import { nestedJsonBytes } from '../../src/report/formats/nested-json-bytes';

const textOf = (piece: TextPiece): string =>
  typeof piece === 'string' ? piece : piece instanceof LentBytes ? piece.text : piece.text;

describe('lent bytes', () => {
  it('read while they are the last piece and nothing was written since', () => {
    const out = new JsonBytes(16);
    out.text('abc');
    const piece = out.lend()!;
    expect(piece.text).toBe('abc');
  });

  it('throw when read after their buffer wrote again, instead of giving the new bytes', () => {
    const out = new JsonBytes(16);
    out.text('abc');
    const piece = out.lend()!;
    out.text('xyz');
    expect(() => piece.bytes).toThrow(/wrote over them/);
  });

  it('throw when read after the next piece was lent', () => {
    const out = new JsonBytes(16);
    out.text('abc');
    const first = out.lend()!;
    out.text('def');
    const second = out.lend()!;
    expect(() => first.text).toThrow(/wrote over them/);
    expect(second.text).toBe('def');
  });

  it('fail loudly when a document is collected before it is written, and read whole when each is read in turn', () => {
    // About 64 KB a piece: ids enough for several pieces of one compliance view.
    const view = { rule: Array.from({ length: 20_000 }, (_, i) => `vm-${i}`) };
    const collected = [...nestedJsonBytes(view, 0)];
    const lent = collected.filter((p) => p instanceof LentBytes);
    expect(lent.length).toBeGreaterThan(1);
    expect(() => lent[0]!.bytes).toThrow(/wrote over them/);
    const inTurn = Array.from(nestedJsonBytes(view, 0), textOf).join('');
    expect(JSON.parse(inTurn)).toEqual(view);
  });
});
