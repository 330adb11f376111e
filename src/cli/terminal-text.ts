// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters before they reach a terminal is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Names from the fleet are untrusted: an escape sequence in a VM name must not recolour, move the
 * cursor of, or hide lines in the user's terminal, and a bidi override must not make one name read as
 * another. C0/C1 controls and bidi formatting characters become visible `\xNN` / `\u{NNNN}` text.
 */
export function terminalSafe(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text
    .replace(CONTROL_CHARS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
