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
