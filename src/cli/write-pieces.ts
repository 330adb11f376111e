import { closeSync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { EncodedText, type TextPiece } from '../report/formats/encoded-text';

/**
 * Writes text given in pieces to a file (replacing it) or to stdout, piece by piece, never joined into one string;
 * pieces already encoded (`EncodedText`) are copied as they are.
 */
export async function writePieces(pieces: Iterable<TextPiece>, out: string | undefined): Promise<void> {
  await writeTextPieces(pieces, out);
}

/**
 * Bytes gathered before a write: pieces are encoded straight into one buffer of this size (a finding's text is about
 * 1.4 KB), not joined into larger strings and encoded again; joining and re-encoding 1 GB of audit JSON cost more
 * than printing it.
 */
const BUFFER_BYTES = 1 << 20;
/** UTF-8 bytes one UTF-16 code unit can take at most: a piece this many times its length always fits. */
const MAX_BYTES_PER_UNIT = 3;

/**
 * `writePieces` that counts what it wrote: the UTF-8 bytes of the pieces (the same bytes as each piece encoded on
 * its own), so a command can say how large the file it wrote is without holding its text.
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
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let total = 0;
  const flush = async () => {
    if (used === 0) return;
    await emit(buffer.subarray(0, used));
    total += used;
    used = 0;
    if (fd === undefined) buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  };
  try {
    for (const piece of pieces) {
      if (piece instanceof EncodedText) {
        const bytes = piece.bytes;
        if (bytes.length > buffer.length - used) {
          await flush();
          // Never changed once made, so stdout may keep it.
          if (bytes.length > buffer.length) {
            await emit(bytes);
            total += bytes.length;
            continue;
          }
        }
        used += bytes.copy(buffer, used);
        continue;
      }
      if (piece.length * MAX_BYTES_PER_UNIT > buffer.length - used) {
        await flush();
        if (piece.length * MAX_BYTES_PER_UNIT > buffer.length) {
          const encoded = Buffer.from(piece, 'utf8');
          await emit(encoded);
          total += encoded.length;
          continue;
        }
      }
      used += buffer.write(piece, used, 'utf8');
    }
    await flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return total;
}

/** Resolves once the stream wants more, or will never take more (closed, failed: its error is its own listener's). */
async function drainedOrGone(stream: Writable): Promise<void> {
  const controller = new AbortController();
  const wait = (event: string) => once(stream, event, { signal: controller.signal }).catch(() => undefined);
  await Promise.race([wait('drain'), wait('close'), wait('error')]);
  controller.abort();
}
