import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes text given in pieces to a file (replacing it) or to stdout, piece by piece, never joined into one string. */
export function writePieces(pieces: Iterable<string>, out: string | undefined): void {
  writeTextPieces(pieces, out);
}

/**
 * `writePieces` that counts what it wrote: the UTF-8 bytes of the pieces (each encoded once, on its own), so a
 * command can say how large the file it wrote is without holding its text.
 */
export function writeTextPieces(pieces: Iterable<string>, out: string | undefined): number {
  let bytes = 0;
  const counted = function* () {
    for (const piece of pieces) {
      const encoded = Buffer.from(piece, 'utf8');
      bytes += encoded.length;
      yield encoded;
    }
  };
  if (out === undefined) {
    for (const piece of counted()) process.stdout.write(piece);
    return bytes;
  }
  const fd = openSync(out, 'w');
  try {
    for (const piece of counted())
      for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
  } finally {
    closeSync(fd);
  }
  return bytes;
}
