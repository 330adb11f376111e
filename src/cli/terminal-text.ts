/**
 * Names from the fleet are untrusted: an escape sequence in a VM name must not recolour, move the
 * cursor of, or hide lines in the user's terminal. C0/C1 controls become visible `\xNN` text.
 */
export function terminalSafe(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
