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

/**
 * Bytes of text (whole characters, never cut inside one) lent by a writer that fills one buffer again and again
 * (`JsonBytes`): valid only until the next piece is asked for, so a reader copies or decodes them before it asks. A
 * fresh buffer per piece cost more than writing into it (new memory is paged in on first touch: about 0.6 s for the
 * 200 MB of a 100,000-VM document's unverified members).
 */
export class LentBytes {
  /** `stillLent` says whether the lender has not written over the bytes yet (a lender that never does: omitted). */
  constructor(
    private readonly lent: Buffer,
    private readonly stillLent: () => boolean = () => true,
  ) {}

  /** The bytes; throws once the lender has written over them, so a reader that kept a piece too long fails loudly. */
  get bytes(): Buffer {
    if (!this.stillLent())
      throw new Error('lent bytes read after their lender wrote over them: copy a piece before asking for the next');
    return this.lent;
  }

  get text(): string {
    return this.bytes.toString('utf8');
  }
}

/** A piece of a document as a writer takes it: text, text already encoded, or encoded bytes lent until the next piece. */
export type TextPiece = string | EncodedText | LentBytes;
