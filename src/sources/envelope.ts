import { z } from 'zod';

/**
 * API Gateway hands SQS the raw body only. The authorizer, which sees the headers, packs the ones that
 * say how to read the body (Content-Type and CloudEvents binary-mode `ce-*`) into this message attribute.
 */
export const ENVELOPE_ATTRIBUTE = 'hyperaudit-envelope';

const MAX_HEADER_CHARS = 4096;

/** Media types the ingest Lambda knows how to split into records. */
export const ACCEPTED_MEDIA_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/x-ndjson',
  'application/jsonl',
  'application/json-seq',
] as const;

/** `application/json; charset=utf-8` → `application/json`; no Content-Type is read as JSON. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

export const RequestEnvelopeSchema = z
  .object({
    contentType: z.string().max(MAX_HEADER_CHARS).optional(),
    /** CloudEvents attributes from `ce-<name>` headers, keyed by `<name>`. */
    ce: z.record(z.string().regex(/^[a-z0-9]{1,64}$/), z.string().max(MAX_HEADER_CHARS)),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

export function envelopeFromHeaders(headers: Readonly<Record<string, string | undefined>>): RequestEnvelope {
  const envelope: RequestEnvelope = { ce: {} };
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (name === 'content-type') envelope.contentType = value.slice(0, MAX_HEADER_CHARS);
    else if (name.startsWith('ce-') && /^[a-z0-9]{1,64}$/.test(name.slice(3))) {
      envelope.ce[name.slice(3)] = value.slice(0, MAX_HEADER_CHARS);
    }
  }
  return envelope;
}

/** Base64 so the value drops into the JSON of API Gateway's MessageAttributes mapping without escaping. */
export function encodeEnvelope(envelope: RequestEnvelope): string {
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
}

export function decodeEnvelope(encoded: string): RequestEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    throw new Error(`${ENVELOPE_ATTRIBUTE} attribute is not base64 JSON`);
  }
  const parsed = RequestEnvelopeSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(`${ENVELOPE_ATTRIBUTE} attribute: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
