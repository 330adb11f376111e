/**
 * A text repeated in a document (e.g. the part of `audit --format json`'s findings that consecutive findings of a
 * rule share), encoded to UTF-8 once: a writer copies its bytes instead of encoding the same text again for every
 * finding. `text` is what it stands for, for anything that wants the string.
 */
export class EncodedText {
  readonly bytes: Buffer;
  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
  }
}

/** A piece of a document as a writer takes it: text, or text already encoded. */
export type TextPiece = string | EncodedText;
