export type LineItem =
  | { n: number; line: string }
  /** The line's length in bytes; its content was never held. */
  | { n: number; tooLong: number }
  | { n: number; invalidUtf8: true };

const NEWLINE = 0x0a;
const CR = 0x0d;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line: a longer line is
 * dropped as it streams in and reported once, with its length, when its newline (or the end) arrives. Each
 * line is decoded strictly, so invalid UTF-8 is reported on its own line instead of being replaced.
 *
 * Hand-written because readline buffers a whole line before anything can limit it, split2's `skipOverflow`
 * skips an over-long line silently (no line number to report), and both decode invalid UTF-8 leniently.
 */
export async function* boundedLines(
  chunks: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<LineItem> {
  // One byte of room for the `\r` of a `\r\n` newline, which is not part of the line.
  const room = maxLineBytes + 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of the current line once it is over the limit and being skipped; -1 while not skipping. */
  let skipped = -1;
  let n = 0;

  const finish = (): LineItem => {
    n++;
    if (skipped >= 0) {
      const item = { n, tooLong: skipped };
      skipped = -1;
      return item;
    }
    let bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > maxLineBytes) return { n, tooLong: bytes.length };
    try {
      return { n, line: strictUtf8.decode(bytes) };
    } catch {
      return { n, invalidUtf8: true };
    }
  };

  for await (const c of chunks) {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      const piece = chunk.subarray(pos, nl === -1 ? chunk.length : nl);
      if (skipped >= 0) skipped += piece.length;
      else if (pendingBytes + piece.length > room) {
        skipped = pendingBytes + piece.length;
        pending = [];
        pendingBytes = 0;
      } else if (piece.length > 0) {
        // Copied: a subarray would keep the whole read chunk alive for a few bytes of line.
        pending.push(Buffer.from(piece));
        pendingBytes += piece.length;
      }
      if (nl === -1) break;
      yield finish();
      pos = nl + 1;
    }
  }
  if (skipped >= 0 || pendingBytes > 0) yield finish();
}
