import type { SQSRecord } from 'aws-lambda';
import { eventBridgeEnvelope } from './eventbridge';
import { cloudEventFromBinary, normaliseRecord } from './index';
import type { NormaliseOptions } from './options';
import type { RecordLocation, SourceOutcome } from './types';
import { jsonErrorMessage } from './json-position';
import { decodeEnvelope, ENVELOPE_ATTRIBUTE, mediaType, type RequestEnvelope } from './envelope';

/** One JSON value to normalise, or why a piece of the body could not even be parsed. */
type Piece = { value: unknown; record?: string } | { error: string; record?: string };

/**
 * Every outcome of one queued message. The message is an HTTP body (with the authorizer's envelope), an
 * EventBridge event the bus rule forwarded, or a bare JSON body someone sent to the queue. Parse errors
 * become rejections naming the message and line; they never throw, because retrying cannot fix them.
 */
export function outcomesOfMessage(record: SQSRecord, opts: NormaliseOptions = {}): SourceOutcome[] {
  const outcomes = decode(record, opts);
  // An empty array or batch is not an error of any one record, but the sender should still hear of it.
  return outcomes.length > 0
    ? outcomes
    : [rejectedAt({ file: `${origin(record)}:${record.messageId}` }, 'no records in the message (empty array)')];
}

function origin(record: SQSRecord): 'http' | 'sqs' {
  return record.messageAttributes?.[ENVELOPE_ATTRIBUTE] !== undefined ? 'http' : 'sqs';
}

function decode(record: SQSRecord, opts: NormaliseOptions): SourceOutcome[] {
  const encoded = record.messageAttributes?.[ENVELOPE_ATTRIBUTE]?.stringValue;
  if (encoded !== undefined) {
    const file = `http:${record.messageId}`;
    let envelope: RequestEnvelope;
    try {
      envelope = decodeEnvelope(encoded);
    } catch (e) {
      return [rejectedAt({ file }, (e as Error).message)];
    }
    return normalisePieces(file, httpPieces(record.body, envelope), opts);
  }
  const parsed = parseJson(record.body);
  if ('error' in parsed) return [rejectedAt({ file: `sqs:${record.messageId}`, record: 'body' }, parsed.error)];
  // normaliseRecord opens the EventBridge envelope; here it only names where the record came from.
  const eventBridge = eventBridgeEnvelope(parsed.value);
  return normaliseRecord(
    parsed.value,
    eventBridge?.id !== undefined
      ? { file: `eventbridge:${eventBridge.id}`, record: eventBridge.detailType }
      : { file: `sqs:${record.messageId}` },
    opts,
  );
}

function httpPieces(body: string, envelope: RequestEnvelope): Piece[] {
  const type = mediaType(envelope.contentType);
  if (type === 'application/x-ndjson' || type === 'application/jsonl') return lines(body.split('\n'), 'line');
  if (type === 'application/json-seq') return lines(body.split('\u001e'), 'record');
  if (type === 'application/json' && envelope.ce.specversion !== undefined) {
    // CloudEvents binary mode: attributes in ce-* headers, the body is the event's data.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(envelope.ce)) headers[`ce-${name}`] = value;
    if (envelope.contentType !== undefined) headers['content-type'] = envelope.contentType;
    return [{ value: cloudEventFromBinary(headers, body) }];
  }
  // application/json, application/cloudevents+json and the CloudEvents batch format: one JSON document.
  const parsed = parseJson(body);
  return [{ ...parsed, record: 'body' }];
}

function lines(parts: string[], unit: 'line' | 'record'): Piece[] {
  const pieces: Piece[] = [];
  for (const [i, text] of parts.entries()) {
    if (text.trim() !== '') pieces.push({ ...parseJson(text), record: `${unit} ${i + 1}` });
  }
  return pieces;
}

function normalisePieces(file: string, pieces: Piece[], opts: NormaliseOptions): SourceOutcome[] {
  if (pieces.length === 0) return [rejectedAt({ file }, 'empty body: no JSON record to ingest')];
  return pieces.flatMap((p) => {
    const loc: RecordLocation = p.record === undefined || p.record === 'body' ? { file } : { file, record: p.record };
    return 'error' in p ? [rejectedAt({ ...loc, record: p.record }, p.error)] : normaliseRecord(p.value, loc, opts);
  });
}

function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `not valid JSON: ${jsonErrorMessage(e)}` };
  }
}

function rejectedAt(loc: RecordLocation, reason: string): SourceOutcome {
  return { kind: 'rejected', ...loc, reason };
}
