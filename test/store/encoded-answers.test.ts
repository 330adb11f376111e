import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The embedded store's child hooks (src/store/encoded-answers.cjs), loaded as the child loads them. */
interface EncodedAnswers {
  unsigned(data: string | Buffer): number;
  end(end: (this: Response, chunk: unknown) => void): (this: Response, chunk: unknown) => void;
}
type Response = EventEmitter & { sent?: Buffer };
/** Items given as bytes: what the key scan hands over (stored-item-json.cjs, ItemBytes). */
interface ItemSource {
  byteLength: number;
  copyTo(target: Buffer, at: number): number;
}
const { encodedAnswers, rawItems } = createRequire(import.meta.url)('../../src/store/encoded-answers.cjs') as {
  encodedAnswers: (checksum: (bytes: Buffer) => number) => EncodedAnswers;
  rawItems: (source: ItemSource) => unknown;
};

/** Items as fixed bytes. */
const itemBytes = (text: string): ItemSource => {
  const bytes = Buffer.from(text, 'utf8');
  return { byteLength: bytes.length, copyTo: (target, at) => at + bytes.copy(target, at) };
};

/** What dynalite's sendData does: the checksum of the text, then `end` with that same text. */
function send(answers: EncodedAnswers, res: Response, text: string): number {
  const checksum = answers.unsigned(text);
  answers
    .end(function sent(this: Response, chunk) {
      this.sent = chunk as Buffer;
    })
    .call(res, text);
  return checksum;
}

describe("the store child's answers, encoded once into reused buffers", () => {
  it("sends each text's UTF-8 bytes with their CRC-32, and other chunks as they are", () => {
    const answers = encodedAnswers(crc32);
    const text = `{"t":"ünïcødé ✓ 𝄞 \\"q\\""}`.repeat(5_000);
    const res: Response = new EventEmitter();
    expect(send(answers, res, text)).toBe(crc32(Buffer.from(text, 'utf8')));
    expect(Buffer.isBuffer(res.sent) && res.sent.equals(Buffer.from(text, 'utf8'))).toBe(true);
    // An `end` with another chunk than the pending text (an error page, an empty end) sends that chunk unchanged.
    const other: Response = new EventEmitter();
    answers.unsigned('{"a":1}');
    answers
      .end(function sent(this: Response, chunk) {
        this.sent = chunk as Buffer;
      })
      .call(other, 'plain');
    expect(other.sent).toBe('plain');
  });

  it('never reuses the buffer of an answer whose response has not finished', () => {
    const answers = encodedAnswers(crc32);
    const a = 'a'.repeat(200_000);
    const b = 'b'.repeat(200_000);
    const first: Response = new EventEmitter();
    send(answers, first, a);
    // The first response is still being written when the next answer is encoded: its bytes must stay as they were.
    const second: Response = new EventEmitter();
    send(answers, second, b);
    expect(first.sent!.toString('utf8')).toBe(a);
    expect(second.sent!.toString('utf8')).toBe(b);
    expect(second.sent!.buffer).not.toBe(first.sent!.buffer);
    // Once finished, its buffer is what the next answer is encoded into.
    first.emit('finish');
    const third: Response = new EventEmitter();
    send(answers, third, b);
    expect(third.sent!.buffer).toBe(first.sent!.buffer);
    expect(third.sent!.toString('utf8')).toBe(b);
  });

  it("writes a Scan answer's items as their bytes where dynalite's text holds their marker, and says their length", () => {
    const answers = encodedAnswers(crc32);
    const items = '{"pk":{"S":"VM#ü"},"e":{"S":"{\\"a\\":1}"}},{"pk":{"S":"x"}}';
    const answer = {
      Items: rawItems(itemBytes(items)),
      ScannedCount: 2,
      Count: 2,
      LastEvaluatedKey: { pk: { S: 'x' } },
    };
    const text = JSON.stringify(answer);
    const expected = Buffer.from(`{"Items":[${items}],"ScannedCount":2,"Count":2,"LastEvaluatedKey":{"pk":{"S":"x"}}}`);
    const headers = new Map<string, unknown>();
    const res: Response & { setHeader(k: string, v: unknown): void } = Object.assign(new EventEmitter(), {
      setHeader: (k: string, v: unknown) => void headers.set(k, v),
    });
    expect(send(answers, res, text)).toBe(crc32(expected));
    expect(res.sent?.equals(expected)).toBe(true);
    expect(headers.get('Content-Length')).toBe(expected.length);
    JSON.parse(expected.toString('utf8'));
  });

  it('sends a text as it is when no items were stringified just before it, even if it spells a marker', () => {
    const answers = encodedAnswers(crc32);
    const marker = JSON.stringify({ Items: rawItems(itemBytes('{}')) });
    // Stringified, then another text is sent first (an error page): the items are not written into that one.
    const other = '{"__type":"com.amazon.coral.service#SerializationException"}';
    const res: Response = new EventEmitter();
    send(answers, res, other);
    expect(res.sent!.toString('utf8')).toBe(other);
    // The same marker text again, with no items pending: sent as the text it is.
    const again: Response = new EventEmitter();
    send(answers, again, marker);
    expect(again.sent!.toString('utf8')).toBe(marker);
  });
});
