import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes text given in pieces to a file (replacing it) or to stdout, piece by piece, never joined into one string. */
export function writePieces(pieces: Iterable<string>, out: string | undefined): void {
  writeTextPieces(pieces, out);
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
export function writeTextPieces(pieces: Iterable<string>, out: string | undefined): number {
  const fd = out === undefined ? undefined : openSync(out, 'w');
  // stdout may hold on to a buffer it was given (a pipe is written asynchronously): it gets a fresh one each time.
  const emit =
    fd === undefined
      ? (bytes: Buffer) => {
          process.stdout.write(bytes);
        }
      : (bytes: Buffer) => {
          for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
        };
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let total = 0;
  const flush = () => {
    if (used === 0) return;
    emit(buffer.subarray(0, used));
    total += used;
    used = 0;
    if (fd === undefined) buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  };
  try {
    for (const piece of pieces) {
      if (piece.length * MAX_BYTES_PER_UNIT > buffer.length - used) {
        flush();
        if (piece.length * MAX_BYTES_PER_UNIT > buffer.length) {
          const encoded = Buffer.from(piece, 'utf8');
          emit(encoded);
          total += encoded.length;
          continue;
        }
      }
      used += buffer.write(piece, used, 'utf8');
    }
    flush();
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return total;
}
