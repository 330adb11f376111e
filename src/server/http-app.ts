import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { authorize, type DenyReason } from '../security/authorize';
import { authorizerEvent } from './aws-shapes';
import { bearerMatches } from '../security/bearer-token';
import { decodeUtf8Body } from '../sources/utf8';
import { BodyTooLargeError, discardBody, readBody } from './read-body';

/** What the HTTP layer needs from the pipeline behind it (the AWS handlers, wired in local-pipeline.ts). */
export interface ServePipeline {
  /**
   * Runs one authorised request through ingest → evaluate → notify; the summary becomes the response.
   * `envelope` is the authorizer's context value the HTTP API hands SQS as a message attribute.
   */
  ingest(request: { body: string; envelope: string }): Promise<IngestResponse>;
  /** The newest HTML report, or undefined before the first one. */
  latestReport(): Promise<string | undefined>;
  /** Evaluates entities an interrupted earlier run stored but never evaluated (serve calls it at start). */
  recoverPending?(): Promise<void>;
  /** Resolves once the Slack digests scheduled by earlier requests have run (they never hold a response). */
  notified?(): Promise<void>;
  /** Runs the scheduled compliance workflow (audit → simulation per cluster → report → Slack) once. */
  runWorkflow?(): Promise<IngestResponse>;
}

export interface IngestResponse {
  /** 202 when every record was taken, 207 when some were rejected (their reasons are in the body). */
  status: number;
  body: Record<string, unknown>;
}

export interface ServeAppOptions {
  token: string;
  maxBodyBytes: number;
  pipeline: ServePipeline;
  /** One line per request (method, path, status, ms); never headers or bodies, which carry the token and fleet data. */
  log?: (line: string) => void;
}

const DENY_STATUS: Record<DenyReason, number> = {
  'missing-token': 401,
  'bad-token': 401,
  'no-content-length': 411,
  'empty-body': 400,
  'too-large': 413,
  'unsupported-media-type': 415,
};

const DENY_MESSAGE: Record<DenyReason, string> = {
  'missing-token': 'missing bearer token (Authorization: Bearer <token>)',
  'bad-token': 'bearer token not accepted',
  'no-content-length': 'Content-Length required',
  'empty-body': 'request body is empty',
  'too-large': 'request body too large',
  'unsupported-media-type':
    'unsupported Content-Type; send application/json, application/cloudevents+json, application/cloudevents-batch+json or application/x-ndjson',
};

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

/**
 * The `serve` request handler. POST /events goes through the deployed authorizer's decision (token, size,
 * media type) before a byte of the body is read, then through the pipeline one request at a time, so
 * incremental evaluations never interleave.
 */
export function createServeHandler(options: ServeAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
      send(res, 200, { ok: true });
      return 200;
    }
    if (path === '/events') {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      const event = authorizerEvent('POST', path, flatHeaders(req.headers), req.socket.remoteAddress ?? '127.0.0.1');
      const { result: decision, denied } = await authorize(event, {
        expectedToken: async () => options.token,
        maxBodyBytes: options.maxBodyBytes,
      });
      if (denied !== undefined) {
        const status = DENY_STATUS[denied];
        await discardBody(req, 2 * options.maxBodyBytes);
        send(
          res,
          status,
          { error: DENY_MESSAGE[denied] },
          status === 401 ? { 'www-authenticate': 'Bearer', connection: 'close' } : { connection: 'close' },
        );
        return status;
      }
      if (!decision.isAuthorized) throw new Error('authorizer neither allowed nor denied the request');
      // Strict, as file ingest reads: Buffer#toString would turn invalid bytes into U+FFFD and store them.
      const decoded = decodeUtf8Body(await readBody(req, options.maxBodyBytes));
      if ('error' in decoded) {
        const rejected = [{ file: 'body', record: `line ${decoded.line}`, field: 'encoding', reason: decoded.error }];
        send(res, 400, {
          error: `request body is not valid UTF-8: ${decoded.error}`,
          accepted: 0,
          duplicates: 0,
          ignored: [],
          rejected,
        });
        return 400;
      }
      const body = decoded.text;
      const envelope = decision.context.envelope;
      const result = await serial(() => options.pipeline.ingest({ body, envelope }));
      send(res, result.status, result.body);
      return result.status;
    }
    if (path === '/report') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      if (!bearerMatches(req.headers.authorization, options.token)) {
        send(res, 401, { error: DENY_MESSAGE['missing-token'] }, { 'www-authenticate': 'Bearer' });
        return 401;
      }
      const html = await serial(() => options.pipeline.latestReport());
      if (html === undefined) {
        send(res, 404, { error: 'no report yet: POST events first' });
        return 404;
      }
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(html),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(html);
      return 200;
    }
    if (path === '/runs' && options.pipeline.runWorkflow !== undefined) {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      if (!bearerMatches(req.headers.authorization, options.token)) {
        send(res, 401, { error: DENY_MESSAGE['missing-token'] }, { 'www-authenticate': 'Bearer' });
        return 401;
      }
      req.resume();
      const run = options.pipeline.runWorkflow.bind(options.pipeline);
      const result = await serial(() => run());
      send(res, result.status, result.body);
      return result.status;
    }
    send(res, 404, { error: `no route ${path}` });
    return 404;
  };

  return (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0];
    handle(req, res)
      .catch((err: unknown) => {
        if (err instanceof BodyTooLargeError) {
          return discardBody(req, 2 * options.maxBodyBytes).then(() => {
            send(res, 413, { error: DENY_MESSAGE['too-large'] }, { connection: 'close' });
            return 413;
          });
        }
        // The message, not the stack: bodies are hostile input and the stack says nothing to a sender.
        options.log?.(`error on ${req.method} ${path}: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
        return 500;
      })
      .then((status) => options.log?.(`${req.method} ${path} ${status} ${Math.round(performance.now() - started)}ms`));
  };
}

function methodNotAllowed(res: ServerResponse, allow: string): number {
  send(res, 405, { error: `use ${allow}` }, { allow });
  return 405;
}
