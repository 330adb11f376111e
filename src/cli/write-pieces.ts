import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes text given in pieces to a file (replacing it) or to stdout, piece by piece, never joined into one string. */
export function writePieces(pieces: Iterable<string>, out: string | undefined): void {
  if (out === undefined) {
    for (const piece of pieces) process.stdout.write(piece);
    return;
  }
  const fd = openSync(out, 'w');
  try {
    for (const piece of pieces) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}
