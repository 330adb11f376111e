import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { presentedBearer, sameSecret } from './bearer-token';
import { ACCEPTED_MEDIA_TYPES, encodeEnvelope, envelopeFromHeaders, mediaType } from '../sources/envelope';

export interface AuthorizeDeps {
  /** The expected bearer token (Secrets Manager, cached by the caller). */
  expectedToken: () => Promise<string>;
  maxBodyBytes: number;
}

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<{ envelope: string }>;
export type DenyReason =
  | 'missing-token'
  | 'bad-token'
  | 'no-content-length'
  | 'empty-body'
  | 'too-large'
  | 'unsupported-media-type';

/**
 * Decides one ingest request from its headers: the bearer token must match, the declared body must fit,
 * and the media type must be one we parse. On success the content headers travel on as the envelope.
 */
export async function authorize(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
  deps: AuthorizeDeps,
): Promise<{ result: AuthorizerResult; denied?: DenyReason }> {
  const headers = lowerCaseKeys(event.headers ?? {});
  const deny = (denied: DenyReason) => ({ result: { isAuthorized: false, context: { envelope: '' } }, denied });

  const presented = presentedBearer(headers.authorization);
  if (presented === undefined) return deny('missing-token');
  if (!sameSecret(presented, await deps.expectedToken())) return deny('bad-token');

  const length = headers['content-length'];
  if (length === undefined || !/^\d+$/.test(length)) return deny('no-content-length');
  // SQS refuses an empty message; saying no here beats a 500 from the integration.
  if (Number(length) === 0) return deny('empty-body');
  if (Number(length) > deps.maxBodyBytes) return deny('too-large');
  if (!(ACCEPTED_MEDIA_TYPES as readonly string[]).includes(mediaType(headers['content-type']))) {
    return deny('unsupported-media-type');
  }
  return { result: { isAuthorized: true, context: { envelope: encodeEnvelope(envelopeFromHeaders(headers)) } } };
}

/** Constant-time comparison; hashing first makes the lengths equal without leaking the real length. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
