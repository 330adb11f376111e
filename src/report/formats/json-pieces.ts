import { randomUUID } from 'node:crypto';

/** `value` as JSON.stringify(…, null, 2) prints it nested `depth` levels deep. */
export function nestedJson(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

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
    yield `${count === 0 ? '[' : ','}\n${'  '.repeat(depth + 1)}${nestedJson(toItem(item), depth + 1)}`;
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
