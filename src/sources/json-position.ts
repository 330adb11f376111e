/** Where a JSON text stops being valid, as 1-based line and column, for messages a person can act on. */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
}

function errorOffset(text: string): { offset?: number; eof: boolean } {
  try {
    JSON.parse(text);
    return { eof: false };
  } catch (e) {
    const msg = (e as Error).message;
    if (/Unexpected end of JSON input/.test(msg)) return { eof: true };
    const at = /at position (\d+)/.exec(msg);
    if (at) {
      const offset = Number(at[1]);
      return { offset, eof: offset >= text.length };
    }
    return { eof: false };
  }
}

function isRealError(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (e) {
    const msg = (e as Error).message;
    if (/Unexpected end of JSON input|Unterminated string/.test(msg)) return false;
    const at = /at position (\d+)/.exec(msg);
    return !(at && Number(at[1]) >= prefix.length);
  }
}

/**
 * V8 gives an offset for most JSON errors but not for "Unexpected token". A prefix of the text that ends
 * before the error only fails with "unexpected end", and one that includes it fails otherwise, so a binary
 * search over prefixes finds the offending character with V8's own parser.
 */
export function jsonErrorPosition(text: string): JsonErrorPosition {
  // Text that cannot start a JSON value fails at its first character: found without parsing, which keeps a
  // file of a million garbage lines from costing a binary search of parses per line.
  const first = /\S/.exec(text);
  if (first && !/[[{"\-0-9tfn]/.test(first[0])) return position(text, first.index);
  const direct = errorOffset(text);
  let offset: number;
  if (direct.offset !== undefined) offset = direct.offset;
  else if (direct.eof) offset = text.length;
  else {
    let lo = 1;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (isRealError(text.slice(0, mid))) hi = mid;
      else lo = mid + 1;
    }
    offset = Math.max(0, lo - 1);
  }
  return position(text, offset);
}

function position(text: string, offset: number): JsonErrorPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** The parser's message without the echo of the input V8 appends (which could be huge or hostile). */
export function jsonErrorMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .replace(/,\s*(?:\.\.\.)?".*$/s, '')
    .replace(/ at position \d+.*$/s, '')
    .replace(/ in JSON$/, '')
    .slice(0, 200);
}
