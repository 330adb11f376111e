/**
 * Shell-style glob for waiver patterns: `*` any run of characters, `?` one character, all else literal,
 * whole-string match. Hand-written because the two wildcards are all waivers need and no glob library is
 * a direct dependency.
 */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
