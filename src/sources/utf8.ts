const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes strictly: invalid UTF-8 is reported with its line, never silently replaced by U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { error: string; line: number } {
  try {
    return { text: fatal.decode(bytes) };
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          fatal.decode(bytes.subarray(start, i));
        } catch {
          return { error: `invalid UTF-8 on line ${line}`, line };
        }
        line++;
        start = i + 1;
      }
    }
    return { error: 'invalid UTF-8', line: 1 };
  }
}

const strictKeepBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientKeepBom = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes a sequence starting with `lead` takes (0 for a byte no sequence starts with). */
function sequenceLength(lead: number): number {
  return lead >= 0xf0 && lead <= 0xf7 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
}

/**
 * Byte offset of the first invalid UTF-8 sequence. The decoder's U+FFFD replacement re-encodes differently
 * from the bytes it replaced, so the first byte where the round trip differs locates the fault; an
 * incomplete sequence just before it (whose first bytes the replacement happens to share) is where it starts.
 */
function firstInvalidOffset(bytes: Uint8Array): number {
  const again = Buffer.from(lenientKeepBom.decode(bytes), 'utf8');
  let i = 0;
  while (i < bytes.length && i < again.length && bytes[i] === again[i]) i++;
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
    const b = bytes[k]!;
    if ((b & 0xc0) === 0x80) continue;
    if (i - k < sequenceLength(b)) return k;
    break;
  }
  return i;
}

/**
 * Decodes a request body strictly, as file ingest does: invalid UTF-8 is refused with its byte offset and
 * line, never replaced by U+FFFD. Shared by `serve` and the ingest function so both refuse the same bytes.
 */
export function decodeUtf8Body(bytes: Uint8Array): { text: string } | { error: string; offset: number; line: number } {
  try {
    return { text: strictKeepBom.decode(bytes) };
  } catch {
    const offset = firstInvalidOffset(bytes);
    let line = 1;
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
    return { error: `invalid UTF-8 at byte offset ${offset} (line ${line})`, offset, line };
  }
}
