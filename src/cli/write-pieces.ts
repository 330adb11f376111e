import { closeSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { TextPiece } from '../report/formats/encoded-text';
import { emitEncodedPieces } from '../report/formats/encode-pieces';

/**
 * Writes text given in pieces to a file (replacing it) or to stdout, piece by piece, never joined into one string;
 * pieces already encoded (`EncodedText`) are copied as they are.
 */
export async function writePieces(pieces: Iterable<TextPiece>, out: string | undefined): Promise<void> {
  await writeTextPieces(pieces, out);
}

/**
 * `writePieces` that counts what it wrote: the UTF-8 bytes of the pieces' joined text (`emitEncodedPieces`), so a
 * command can say how large the file it wrote is without holding its text.
 */
export async function writeTextPieces(
  pieces: Iterable<TextPiece>,
  out: string | undefined,
  stdout: Writable = process.stdout,
): Promise<number> {
  const fd = out === undefined ? undefined : openSync(out, 'w');
  // stdout may hold on to a buffer it was given (a pipe is written asynchronously): it gets a fresh one each time,
  // and the next is not written until the reader has taken the last, or `audit --format json | jq` would queue the
  // whole gigabyte in memory.
  const emit =
    fd === undefined
      ? async (bytes: Buffer) => {
          // A reader that left (EPIPE, closed) gets nothing more.
          if (stdout.destroyed || stdout.writableEnded) return;
          if (!stdout.write(bytes)) await drainedOrGone(stdout);
        }
      : async (bytes: Buffer) => {
          for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
        };
  try {
    return await emitEncodedPieces(pieces, emit, fd === undefined);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Resolves once the stream wants more, or will never take more (closed, failed: its error is its own listener's). */
async function drainedOrGone(stream: Writable): Promise<void> {
  const controller = new AbortController();
  const wait = (event: string) => once(stream, event, { signal: controller.signal }).catch(() => undefined);
  await Promise.race([wait('drain'), wait('close'), wait('error')]);
  controller.abort();
}
