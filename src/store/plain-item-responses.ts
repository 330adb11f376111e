import { isAscii } from 'node:buffer';
import { Readable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Scan and Query answers read with one `JSON.parse` instead of the SDK's schema walk.
 *
 * The SDK's protocol (AWS JSON 1.0 with DynamoDB's codec) parses a response body with `JSON.parse` and then walks
 * the result against the operation's output schema: a schema lookup per item and per attribute value, to turn
 * base64 text into bytes in the few places that hold binary. On a fleet Scan (thousands of items, megabytes of
 * text) that walk, the objects it allocates and the first-run compilation of its generic code cost more CPU than
 * the parse itself, and the answer it builds is the parsed JSON again, with `B`/`BS` decoded.
 *
 * This replaces only the successful-answer path of `Scan` and `Query`, and only for an answer made of the members
 * this code knows (`Items`, `Count`, `ScannedCount`, `LastEvaluatedKey`) with values of the expected shapes:
 * the same objects the SDK would return (binary decoded by the client's own `base64Decoder`, members in the
 * schema's order, null members left out). Everything else goes to the SDK's own deserializer with the same
 * bytes: error answers (throttling, conditional failures: the SDK builds and classifies the exception, and its
 * retry strategy sees it as before), an answer carrying `ConsumedCapacity` or a member a later API version adds,
 * and any value of an unexpected shape. `$metadata` (and the response's header names, lower-cased) come from the
 * SDK's own path too, run on an empty body. It works the same against DynamoDB and the local store: both send the
 * documented JSON.
 */

/** The members of a Scan or Query answer read here, in the output schema's order (Scan and Query share it). */
const MEMBERS = ['Items', 'Count', 'ScannedCount', 'LastEvaluatedKey'] as const;
const KNOWN = new Set<string>(MEMBERS);
const OPERATIONS = new Set(['Scan', 'Query']);
/** The body handed to the SDK's path for `$metadata` once the items are read here: parses to no member. */
const EMPTY_OBJECT = new TextEncoder().encode('{}');

type Base64Decoder = (text: string) => Uint8Array;
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One AttributeValue as the SDK's DynamoDB codec reads it, in place: `B` and `BS` from base64, `L` and `M`
 * recursively, every other key kept as parsed. False when the value is not of a shape that codec reads the same
 * way (then the caller leaves the whole answer to the SDK).
 */
function readAttributeValue(av: unknown, decode: Base64Decoder): boolean {
  if (!isObject(av)) return false;
  // Most values are a lone S or N: one probe of each container key, nothing to convert.
  const { B, BS, L, M } = av;
  if (B === undefined && BS === undefined && L === undefined && M === undefined) return true;
  if (B !== undefined) {
    if (typeof B !== 'string') return false;
    av.B = decode(B);
  }
  if (BS !== undefined) {
    if (!Array.isArray(BS) || !BS.every((b) => typeof b === 'string')) return false;
    av.BS = BS.map((b: string) => decode(b));
  }
  if (L !== undefined) {
    if (!Array.isArray(L)) return false;
    for (const v of L) if (!readAttributeValue(v, decode)) return false;
  }
  if (M !== undefined) return readAttributeMap(M, decode);
  return true;
}

/** An item, a key or an `M` value: a map of attribute names to AttributeValues. */
function readAttributeMap(map: unknown, decode: Base64Decoder): boolean {
  if (!isObject(map)) return false;
  // The SDK rewrites an own `__proto__` key specially; leave such a map to it.
  if (Object.hasOwn(map, '__proto__')) return false;
  for (const name in map) if (!readAttributeValue(map[name], decode)) return false;
  return true;
}

/**
 * The output members of a parsed Scan or Query answer, as the SDK would return them (without `$metadata`), or
 * undefined when the answer holds anything this reader does not vouch for. May convert `parsed` in place either way.
 */
export function plainItemsOutput(parsed: unknown, decode: Base64Decoder): Json | undefined {
  if (!isObject(parsed)) return undefined;
  for (const key in parsed) if (!KNOWN.has(key)) return undefined;
  const { Items, Count, ScannedCount, LastEvaluatedKey } = parsed;
  if (Items !== undefined && Items !== null) {
    if (!Array.isArray(Items)) return undefined;
    for (const item of Items) if (!readAttributeMap(item, decode)) return undefined;
  }
  if (Count !== undefined && Count !== null && typeof Count !== 'number') return undefined;
  if (ScannedCount !== undefined && ScannedCount !== null && typeof ScannedCount !== 'number') return undefined;
  if (LastEvaluatedKey !== undefined && LastEvaluatedKey !== null && !readAttributeMap(LastEvaluatedKey, decode))
    return undefined;
  const out: Json = {};
  for (const member of MEMBERS)
    if (parsed[member] !== undefined && parsed[member] !== null) out[member] = parsed[member];
  return out;
}

/** What this module uses of the SDK's protocol object and of the context its deserializer is handed. */
interface DeserializingProtocol {
  deserializeResponse(operation: { name: string }, context: Json, response: HttpAnswer): Promise<Json>;
}
interface HttpAnswer {
  statusCode: number;
  body: unknown;
}

function isProtocol(value: unknown): value is DeserializingProtocol {
  return isObject(value) && typeof value.deserializeResponse === 'function';
}

/** A body as this reader took it: the SDK's output members, or the bytes to hand to the SDK's own path. */
type Answer = { output: Json; bytes?: undefined } | { output?: undefined; bytes: Uint8Array };

/**
 * The answer read. A Node stream (the Node HTTP handler's body) is collected as its chunks, up to `maxBytes`, and
 * parsed once they are all in (`answerOf`). Other bodies go through the SDK's own collector. Without `decode` nothing
 * is parsed here: the bytes go to the SDK.
 */
async function readAnswer(
  body: unknown,
  context: Json,
  operation: string,
  maxBytes: number,
  decode: Base64Decoder | undefined,
): Promise<Answer | undefined> {
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of body) {
      const bytes = chunkBytes(chunk);
      length += bytes.length;
      // A page holds at most 1 MB of items; an endpoint that sends on and on (a broken or hostile store, or whatever
      // listens at a configured endpoint) must not grow this process without bound. Leaving the loop ends the stream.
      if (length > maxBytes) throw new AnswerTooLarge(operation, maxBytes);
      chunks.push(bytes);
    }
    return answerOf(chunks, decode);
  }
  let bytes: unknown = body;
  if (!(body instanceof Uint8Array)) {
    const collect = context.streamCollector;
    if (typeof collect !== 'function') return undefined;
    bytes = await collect(body);
  }
  if (!(bytes instanceof Uint8Array)) return undefined;
  return answerOf([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)], decode);
}

/**
 * The chunks' answer, parsed (`parseAnswer`) from one reused buffer they are copied into, or its bytes (a copy of
 * their own) when this reader does not vouch for it. Synchronous from the copy to the parse, so two answers read at
 * once never share the buffer.
 */
function answerOf(chunks: readonly Buffer[], decode: Base64Decoder | undefined): Answer {
  const bytes = joined(chunks);
  const output = decode === undefined || bytes.length === 0 ? undefined : plainItemsOutput(parseAnswer(bytes), decode);
  if (output !== undefined) return { output };
  return { bytes: bytes.buffer === scratch.buffer ? Buffer.from(bytes) : bytes };
}

/** The chunks as one run of bytes: a lone chunk as it is, else copied into the reused buffer (or one of their own). */
function joined(chunks: readonly Buffer[]): Buffer {
  if (chunks.length === 0) return Buffer.alloc(0);
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  if (length > MAX_KEPT_BYTES) return Buffer.concat(chunks, length);
  if (scratch.length < length)
    scratch = Buffer.allocUnsafeSlow(Math.min(MAX_KEPT_BYTES, Math.max(length, 2 * scratch.length)));
  let at = 0;
  for (const chunk of chunks) at += chunk.copy(scratch, at);
  return scratch.subarray(0, length);
}

/**
 * An answer's JSON. A large ASCII answer that opens with its items (`{"Items":[`, as the local store sends a key
 * scan's) is parsed in pieces of about `PIECE_BYTES`, cut between two items (`parsedInPieces`); any other answer, and
 * one whose pieces do not each parse, is decoded as UTF-8 and parsed whole.
 *
 * Why: a string of more than 128 KB goes to V8's large-object space, on pages of its own that are returned to the
 * system once it dies. A 1.2 MB answer decoded whole is such a string, made and dropped per page: some 300 pages first
 * touched each time (each costs about 10 µs of CPU on this box's VM), about 3.5 of the 6 ms an answer took to decode
 * and parse, 0.2–0.6 s of a 100,000-VM fleet read. Pieces of 64 KB are ordinary young strings, on pages the heap
 * reuses. (Decoding ASCII as Latin-1 in one go makes a string outside the heap instead, collected only with the old
 * generation: up to 100 MB more stayed resident, and every ~64 MB of them forced a full collection of the whole heap.
 * Not taken.)
 */
export function parseAnswer(bytes: Buffer, pieceBytes = PIECE_BYTES): unknown {
  const pieced = bytes.length > pieceBytes && isAscii(bytes) ? parsedInPieces(bytes, pieceBytes) : undefined;
  return pieced ?? parseJson(bytes.toString('utf8'));
}

/** About how many bytes of items one piece holds (it ends at the next item's end): well under 128 KB. */
const PIECE_BYTES = 64 * 1024;
const ITEMS_OPEN = Buffer.from('{"Items":[');
/** Between two items: the end of one, the comma, the start of the next one's first member. */
const BETWEEN_ITEMS = Buffer.from('},{"');

/**
 * `{"Items":[…], …}` parsed as the items in pieces, then the rest with no items, or undefined when a piece or the rest
 * does not parse. Exact: each piece parses as a non-empty list of JSON values, and the text without the items as an
 * object whose `Items` is `[]`, so the whole text is that object with those values, in order, in its `Items` (JSON is
 * parsed the same whatever lies beside a complete value), wherever the cuts fell. A later `Items` member, which would
 * win in `JSON.parse`, cannot hide in the rest: the rest starts at the text's last `]`, so no later member there is
 * `[]`, and any other value leaves `Items` something other than `[]`.
 */
function parsedInPieces(bytes: Buffer, pieceBytes: number): Json | undefined {
  if (bytes.compare(ITEMS_OPEN, 0, ITEMS_OPEN.length, 0, ITEMS_OPEN.length) !== 0) return undefined;
  const close = bytes.lastIndexOf(0x5d); // the last `]`: the items' end, if the pieces and the rest parse
  if (close < ITEMS_OPEN.length) return undefined;
  const items: unknown[] = [];
  let at = ITEMS_OPEN.length;
  while (at < close) {
    let end = close;
    if (close - at > pieceBytes) {
      const between = bytes.indexOf(BETWEEN_ITEMS, at + pieceBytes);
      if (between >= 0 && between < close) end = between + 1;
    }
    const piece = parseJson(bracketed(bytes, at, end));
    if (!Array.isArray(piece) || piece.length === 0) return undefined;
    for (const item of piece) items.push(item);
    at = end + 1;
  }
  const frame = parseJson(`{"Items":[${bytes.toString('latin1', close)}`);
  if (!isObject(frame) || !Array.isArray(frame.Items) || frame.Items.length !== 0) return undefined;
  frame.Items = items;
  return frame;
}

/**
 * `[` + the ASCII bytes `from`–`to` + `]` as one flat string: copied with the brackets into a reused buffer and decoded
 * there (Latin-1 gives the same text as UTF-8 for ASCII, without validating it again). Joining the brackets to the
 * decoded text instead made a second string of the piece when `JSON.parse` flattened the join: twice the young
 * garbage, a third more scavenges over the fleet being built.
 */
function bracketed(bytes: Buffer, from: number, to: number): string {
  const length = to - from + 2;
  if (length > MAX_PIECE_SCRATCH) return `[${bytes.toString('latin1', from, to)}]`;
  if (pieceScratch.length < length) pieceScratch = Buffer.allocUnsafeSlow(Math.min(MAX_PIECE_SCRATCH, 2 * length));
  pieceScratch[0] = 0x5b;
  bytes.copy(pieceScratch, 1, from, to);
  pieceScratch[length - 1] = 0x5d;
  return pieceScratch.toString('latin1', 0, length);
}

/** The buffer pieces are bracketed in (`bracketed`): a piece is about `PIECE_BYTES` and one item more. */
let pieceScratch = Buffer.alloc(0);
const MAX_PIECE_SCRATCH = 1024 * 1024;

/**
 * A stream's chunk as bytes: a Buffer as it is, another byte array viewed as one, text (a stream someone set an
 * encoding on: decoded, so its UTF-8 is the bytes it came as) encoded again. Anything else is no HTTP body: an error,
 * as the decoder before this threw (the stream is consumed by then, so it cannot go to the SDK instead).
 */
function chunkBytes(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('a response body stream gave a chunk that is neither bytes nor text');
}

/**
 * The largest Scan or Query answer read: DynamoDB sends at most 1 MB of items a page, a few MB of JSON with its
 * escapes (the local store's pages are cut the same way); 64 MiB is far past any real answer.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** An answer body past `MAX_ANSWER_BYTES`: not read, named by its operation. */
export class AnswerTooLarge extends Error {
  constructor(operation: string, maxBytes: number) {
    super(
      `the store's ${operation} answer is larger than ${maxBytes} bytes (a page holds at most 1 MB of items): not read`,
    );
    this.name = 'AnswerTooLarge';
  }
}

/** The buffer answers are copied into: a Scan page's answer is about 1 MB; a larger one gets a buffer of its own. */
let scratch = Buffer.alloc(0);
const MAX_KEPT_BYTES = 8 * 1024 * 1024;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The protocol objects already reading plainly. The SDK keeps a protocol instance it is given, so two clients may
 * share one; wrapping it again would parse every answer twice (the outer reader's `{}` by the inner one).
 */
const READING_PLAINLY = new WeakSet<object>();

/**
 * Makes `client` read successful Scan and Query answers itself (see above); returns the same client. A client
 * whose protocol is not of the expected form (another SDK build) is left as it is, and so is one already reading
 * plainly. An answer body longer than `maxAnswerBytes` is refused (`AnswerTooLarge`) before it is all in memory.
 */
export function readItemsPlainly<C extends DynamoDBClient>(client: C, maxAnswerBytes = MAX_ANSWER_BYTES): C {
  const protocol: unknown = client.config.protocol;
  if (!isProtocol(protocol) || READING_PLAINLY.has(protocol)) return client;
  READING_PLAINLY.add(protocol);
  const sdkDeserialize = protocol.deserializeResponse.bind(protocol);
  protocol.deserializeResponse = async (operation, context, response) => {
    if (!OPERATIONS.has(operation?.name) || !(response?.statusCode >= 200 && response.statusCode < 300))
      return sdkDeserialize(operation, context, response);
    const decode = typeof context.base64Decoder === 'function' ? (context.base64Decoder as Base64Decoder) : undefined;
    const answer = await readAnswer(response.body, context, operation.name, maxAnswerBytes, decode);
    if (answer === undefined) return sdkDeserialize(operation, context, response);
    const { output } = answer;
    response.body = output === undefined ? answer.bytes : EMPTY_OBJECT;
    const sdkOutput = await sdkDeserialize(operation, context, response);
    if (output === undefined) return sdkOutput;
    output.$metadata = sdkOutput.$metadata;
    return output;
  };
  return client;
}
