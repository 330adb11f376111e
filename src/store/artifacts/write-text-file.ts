import { open } from 'node:fs/promises';

/**
 * Bytes gathered before a write. The pieces are encoded straight into this one buffer, reused write after write:
 * joining them into 64 K strings first and encoding each into a fresh Buffer (what `writeFile` does with an
 * iterable) was a fifth of `report`'s profile at 100,000 VMs (6 GB of audit formats); writing this way took 15 % off
 * its CPU at 10,000 and at 100,000 VMs (docs/report.md).
 */
const BUFFER_BYTES = 1 << 20;
/** UTF-8 bytes one UTF-16 code unit takes at most: a piece this many times its length always fits. */
const MAX_BYTES_PER_UNIT = 3;

function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}

/**
 * Writes `pieces` to a new file at `path` (`wx`: refused if something is there) as the UTF-8 of their joined text,
 * never joined into one string. A piece ending in the first half of a surrogate pair is held back until the next
 * piece, so a pair split between two pieces is written as its one character, as in the joined text.
 */
export async function writeTextFile(path: string, pieces: Iterable<string>): Promise<void> {
  const file = await open(path, 'wx');
  try {
    const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    let used = 0;
    /** The first `length` bytes of `bytes`, however many writes the file takes for them. */
    const writeAll = async (bytes: Buffer, length: number) => {
      for (let at = 0; at < length; ) at += (await file.write(bytes, at, length - at)).bytesWritten;
    };
    const flush = async () => {
      // Awaited before the buffer is filled again: the write has taken its bytes by then.
      await writeAll(buffer, used);
      used = 0;
    };
    let held = '';
    for (const next of pieces) {
      let piece = held === '' ? next : held + next;
      held = '';
      if (endsInHighSurrogate(piece)) {
        held = piece.slice(-1);
        piece = piece.slice(0, -1);
      }
      if (piece.length * MAX_BYTES_PER_UNIT > buffer.length - used) {
        await flush();
        if (piece.length * MAX_BYTES_PER_UNIT > buffer.length) {
          const bytes = Buffer.from(piece, 'utf8');
          await writeAll(bytes, bytes.length);
          continue;
        }
      }
      used += buffer.write(piece, used, 'utf8');
    }
    // A lone first half at the very end is written as the joined text's encoding writes it (U+FFFD).
    if (held !== '') {
      if (buffer.length - used < MAX_BYTES_PER_UNIT) await flush();
      used += buffer.write(held, used, 'utf8');
    }
    await flush();
  } finally {
    await file.close();
  }
}
