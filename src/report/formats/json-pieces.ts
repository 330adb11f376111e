import { randomUUID } from 'node:crypto';
import { lineAt, nestedJsonText } from './pretty-json';

/**
 * The text `JSON.stringify(document, null, 2)` gives when one array inside the document holds `items`, in pieces
 * of one item each, so a document with hundreds of thousands of items is never one string (V8 caps a string at
 * about 512 MB). `build` receives a placeholder to put where the array goes; the placeholder is a random string a
 * finding's text cannot forge, so it is found once in the document's text and nowhere else.
 */
export function* jsonDocumentPieces<T>(
  build: (placeholder: string) => unknown,
  items: Iterable<T>,
  toItem: (item: T) => unknown,
): Generator<string> {
  const placeholder = `hyperaudit-items-${randomUUID()}`;
  const text = JSON.stringify(build(placeholder), null, 2);
  const quoted = JSON.stringify(placeholder);
  const at = text.indexOf(quoted);
  if (at < 0) throw new Error('jsonDocumentPieces: the document does not hold the placeholder');
  const lineStart = text.lastIndexOf('\n', at) + 1;
  // Indentation of the line the array opens on, in levels of two spaces.
  const depth = (text.slice(lineStart).match(/^ */)?.[0].length ?? 0) / 2;
  yield text.slice(0, at);
  let count = 0;
  for (const item of items) {
    // Written directly (pretty-json.ts), not stringified and then re-indented line by line: at 750,000 findings
    // that was a sixth of `report`'s CPU for SARIF, OCSF and ASFF (docs/report.md).
    yield `${count === 0 ? '[' : ','}${lineAt(depth + 1)}${nestedJsonText(toItem(item), depth + 1)}`;
    count++;
  }
  yield count === 0 ? '[]' : `\n${'  '.repeat(depth)}]`;
  yield text.slice(at + quoted.length);
}

/**
 * Pieces joined into chunks of at least `minChars` characters (the last may be shorter): fewer, larger writes
 * than one per finding, still far below what one string holds.
 */
export function* chunkPieces(pieces: Iterable<string>, minChars = 1 << 16): Generator<string> {
  let buffered: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    buffered.push(piece);
    size += piece.length;
    if (size >= minChars) {
      yield buffered.join('');
      buffered = [];
      size = 0;
    }
  }
  if (size > 0) yield buffered.join('');
}
