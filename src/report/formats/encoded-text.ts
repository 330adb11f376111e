/**
 * A text repeated in a document (e.g. the part of `audit --format json`'s findings that consecutive findings of a
 * rule share), encoded to UTF-8 once: a writer copies its bytes instead of encoding the same text again for every
 * finding. Or text written as bytes in the first place (`JsonBytes`). `text` is what it stands for, for anything that
 * wants the string.
 */
export class EncodedText {
  readonly bytes: Buffer;
  private decoded: string | undefined;

  /** A text, or bytes that are the UTF-8 of one (whole characters, never cut inside one), kept as they are. */
  constructor(source: string | Buffer) {
    if (typeof source === 'string') {
      this.bytes = Buffer.from(source, 'utf8');
      this.decoded = source;
    } else this.bytes = source;
  }

  get text(): string {
    this.decoded ??= this.bytes.toString('utf8');
    return this.decoded;
  }
}

/** A piece of a document as a writer takes it: text, or text already encoded. */
export type TextPiece = string | EncodedText;
