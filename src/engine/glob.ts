/**
 * Shell-style glob for waiver patterns: `*` any run of characters, `?` one character, all else literal,
 * whole-string match.
 *
 * Not a RegExp: a waiver is operator input stored and re-run by every later audit, and `.*` runs backtrack
 * exponentially (`*h*h*h…X` against a long id hung every audit). Here the pattern splits at `*` into segments;
 * the first is anchored at the start, the last at the end, and each middle one is taken at its leftmost match,
 * which is always safe for `*`-separated segments, so nothing is ever retried. Cost is at most
 * O(text × longest segment), and pattern length is bounded (MAX_GLOB_LENGTH), so it is linear in the id.
 * Hand-written: glob libraries (picomatch, minimatch) compile to RegExp and inherit the backtracking.
 */
export const MAX_GLOB_LENGTH = 256;

export interface Glob {
  readonly pattern: string;
  test(text: string): boolean;
}

export class GlobError extends Error {
  override readonly name = 'GlobError';
}

export function compileGlob(pattern: string): Glob {
  if (pattern.length > MAX_GLOB_LENGTH) throw new GlobError(`pattern longer than ${MAX_GLOB_LENGTH} characters`);
  const segments = [...pattern.split('*')].map((s) => [...s]);
  const text = (t: string) => [...t];
  if (segments.length === 1) {
    const only = segments[0] ?? [];
    return {
      pattern,
      test: (t) => {
        const chars = text(t);
        return chars.length === only.length && matchesAt(chars, 0, only);
      },
    };
  }
  const first = segments[0] ?? [];
  const last = segments[segments.length - 1] ?? [];
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  return {
    pattern,
    test(t) {
      const chars = text(t);
      if (chars.length < first.length + last.length) return false;
      if (!matchesAt(chars, 0, first)) return false;
      const end = chars.length - last.length;
      if (!matchesAt(chars, end, last)) return false;
      let from = first.length;
      for (const seg of middle) {
        const at = indexOfSegment(chars, seg, from, end);
        if (at < 0) return false;
        from = at + seg.length;
      }
      return true;
    },
  };
}

function matchesAt(chars: readonly string[], at: number, seg: readonly string[]): boolean {
  for (let i = 0; i < seg.length; i++) {
    const p = seg[i];
    if (p !== '?' && p !== chars[at + i]) return false;
  }
  return true;
}

/** Leftmost start ≥ from of `seg` ending at or before `end`, or -1. */
function indexOfSegment(chars: readonly string[], seg: readonly string[], from: number, end: number): number {
  for (let at = from; at + seg.length <= end; at++) if (matchesAt(chars, at, seg)) return at;
  return -1;
}
