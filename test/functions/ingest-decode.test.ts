import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcomesOfMessage } from '../../src/sources/decode-message';
import { ACCEPTED_MEDIA_TYPES, encodeEnvelope } from '../../src/sources/envelope';
import { fixtureJson, fixtureText } from './helpers/fleet-fixture';
import { httpSqsRecord, sqsRecord } from './helpers/aws-events';

const kinds = (outcomes: { kind: string }[]) => outcomes.map((o) => o.kind);
const veba = fixtureJson<Record<string, unknown>>('veba-vm-powered-off.json');
const canonicalLines = fixtureText('fleet.ndjson')
  .split('\n')
  .filter((l) => l !== '');

describe('HTTP bodies (API Gateway → SQS with the authorizer envelope)', () => {
  it('reads a structured-mode CloudEvent from VEBA', () => {
    const out = outcomesOfMessage(
      httpSqsRecord(
        JSON.stringify(veba),
        encodeEnvelope({ contentType: 'application/cloudevents+json', ce: {} }),
        'm-1',
      ),
    );
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((o) => o.kind !== 'rejected')).toBe(true);
    expect(out[0]!.file).toBe('http:m-1');
  });

  it('rebuilds a binary-mode CloudEvent from the ce-* headers and the data body, giving the same events as structured mode', () => {
    const { data, ...attributes } = veba;
    const ce = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));
    const binary = outcomesOfMessage(
      httpSqsRecord(JSON.stringify(data), encodeEnvelope({ contentType: 'application/json', ce }), 'm-2'),
    );
    const structured = outcomesOfMessage(
      httpSqsRecord(
        JSON.stringify(veba),
        encodeEnvelope({ contentType: 'application/cloudevents+json', ce: {} }),
        'm-2',
      ),
    );
    expect(binary.map((o) => (o.kind === 'event' ? o.event : o.kind))).toEqual(
      structured.map((o) => (o.kind === 'event' ? o.event : o.kind)),
    );
  });

  it('stores the good lines of an NDJSON body and rejects the broken one by line number', () => {
    const body = [canonicalLines[0], '{"id": "half', canonicalLines[1], ''].join('\n');
    const out = outcomesOfMessage(
      httpSqsRecord(body, encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }), 'm-3'),
    );
    expect(kinds(out)).toEqual(['event', 'rejected', 'event']);
    expect(out[1]).toMatchObject({
      file: 'http:m-3',
      record: 'line 2',
      reason: expect.stringMatching(/not valid JSON/),
    });
  });

  it('reads a JSON array body as a batch of records', () => {
    const body = `[${canonicalLines.slice(0, 3).join(',')}]`;
    const out = outcomesOfMessage(httpSqsRecord(body, encodeEnvelope({ contentType: 'application/json', ce: {} })));
    expect(kinds(out)).toEqual(['event', 'event', 'event']);
  });

  it('rejects an empty body and a tampered envelope, without throwing', () => {
    expect(
      outcomesOfMessage(httpSqsRecord('\n', encodeEnvelope({ contentType: 'application/x-ndjson', ce: {} }))),
    ).toEqual([expect.objectContaining({ kind: 'rejected', reason: expect.stringMatching(/empty body/) })]);
    expect(outcomesOfMessage(httpSqsRecord('{}', 'not-base64-json!'))).toEqual([
      expect.objectContaining({ kind: 'rejected', reason: expect.stringMatching(/hyperaudit-envelope/) }),
    ]);
  });
});

describe('EventBridge events forwarded by the bus rule', () => {
  it('ingests a canonical event carried in detail', () => {
    const event = JSON.parse(canonicalLines[0]!) as unknown;
    const envelope = {
      version: '0',
      id: 'eb-1',
      'detail-type': 'hyperaudit.fleet',
      source: 'acme.cmdb',
      account: '111122223333',
      time: '2026-11-26T01:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: event,
    };
    const out = outcomesOfMessage(sqsRecord(JSON.stringify(envelope)));
    expect(out).toEqual([expect.objectContaining({ kind: 'event', file: 'eventbridge:eb-1', event })]);
  });

  it('rejects an event of no supported format, naming the EventBridge event', () => {
    const out = outcomesOfMessage(sqsRecord(fixtureText('eventbridge-ec2-event.json')));
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        file: 'eventbridge:6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        reason: expect.stringMatching(/unrecognised/),
      }),
    ]);
  });

  it('rejects a queue message that is not JSON', () => {
    expect(outcomesOfMessage(sqsRecord('<xml/>', {}, 'm-9'))).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        file: 'sqs:m-9',
        record: 'body',
        reason: expect.stringMatching(/not valid JSON/),
      }),
    ]);
  });
});

describe('hostile and arbitrary messages', () => {
  it('never throws, and names the message in every outcome, whatever the body, media type or envelope', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' }), fc.constant('{"__proto__":{"polluted":1}}')),
        fc.constantFrom(...ACCEPTED_MEDIA_TYPES, undefined),
        fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        fc.boolean(),
        (body, contentType, ce, viaHttp) => {
          const record = viaHttp
            ? httpSqsRecord(body, encodeEnvelope({ ...(contentType && { contentType }), ce }), 'm-x')
            : sqsRecord(body, {}, 'm-x');
          const out = outcomesOfMessage(record);
          expect(out.length).toBeGreaterThan(0);
          for (const o of out) expect(o.file).toMatch(/^(http|sqs):m-x$|^eventbridge:/);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
