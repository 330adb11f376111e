import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake Slack answers one request. */
export type SlackAnswer =
  | 'ok'
  | 'rate-limited'
  | 'server-error'
  | 'invalid-blocks'
  /** 403 invalid_token: the webhook was revoked or its secret part is mistyped. */
  | 'invalid-token'
  /** 404 no_service: no such webhook (deleted app, wrong URL). */
  | 'no-service'
  /** 410 channel_is_archived: the webhook's channel was archived. */
  | 'channel-archived'
  /** No answer until `release()`: a webhook that hangs (Slack outage at the TCP level). */
  | 'hang';

export type SlackBody = { text?: string; blocks?: unknown[] } & Record<string, unknown>;

export interface Arrival {
  /** Milliseconds (performance.now) when the request body was complete. */
  at: number;
  body: SlackBody;
  answer: SlackAnswer;
}

export interface SlackLikeServer {
  url: string;
  /** Every webhook post with a JSON body, in arrival order, with how it was answered. */
  arrivals: Arrival[];
  /** Bodies Slack accepted (answered 200), in arrival order. */
  accepted(): SlackBody[];
  /** Requests answered 'hang' that are still open (not released, client still waiting). */
  held(): number;
  /** Answers every held request with `answer` (default 200 ok). */
  release(answer?: Exclude<SlackAnswer, 'hang' | 'rate-limited'>): void;
  close(): Promise<void>;
}

const PLAIN = { 'content-type': 'text/html' };

/** Status and body Slack sends for each answer other than 429. */
const REPLIES: Record<Exclude<SlackAnswer, 'rate-limited' | 'hang'>, [number, string]> = {
  ok: [200, 'ok'],
  'server-error': [500, 'internal_error'],
  'invalid-blocks': [400, 'invalid_blocks'],
  'invalid-token': [403, 'invalid_token'],
  'no-service': [404, 'no_service'],
  'channel-archived': [410, 'channel_is_archived'],
};

export interface SlackLikeServerOptions {
  /** Retry-After (seconds) sent with a 429; 1 unless told. */
  retryAfterSeconds?: number;
}

/**
 * A local incoming-webhook endpoint that answers like Slack does: 200 `ok`, 429 with Retry-After, 500,
 * 400 `invalid_blocks`, 403 `invalid_token`, 404 `no_service` or 410 `channel_is_archived`, as `answer`
 * decides per request (by default it accepts everything).
 * A body that is not JSON gets 400 `invalid_payload` and a method other than POST 405; neither is an arrival.
 */
export async function startSlackLikeServer(
  answer: (arrival: Omit<Arrival, 'answer'>, index: number) => SlackAnswer = () => 'ok',
  options: SlackLikeServerOptions = {},
): Promise<SlackLikeServer> {
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const arrivals: Arrival[] = [];
  const holding: { arrival: Arrival; res: import('node:http').ServerResponse }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      let body: SlackBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackBody;
      } catch {
        res.writeHead(400, PLAIN).end('invalid_payload');
        return;
      }
      const partial = { at: performance.now(), body };
      const a = answer(partial, arrivals.length);
      const arrival: Arrival = { ...partial, answer: a };
      arrivals.push(arrival);
      if (a === 'hang') {
        holding.push({ arrival, res });
        return;
      }
      if (a === 'rate-limited') {
        res.writeHead(429, { ...PLAIN, 'retry-after': retryAfter }).end('rate_limited');
        return;
      }
      const [status, text] = REPLIES[a];
      res.writeHead(status, PLAIN).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    arrivals,
    accepted: () => arrivals.filter((a) => a.answer === 'ok').map((a) => a.body),
    held: () => holding.filter((h) => !h.res.writableEnded && !h.res.destroyed && !h.res.req.socket.destroyed).length,
    release: (answerWith = 'ok') => {
      for (const h of holding.splice(0)) {
        h.arrival.answer = answerWith;
        const [status, text] = REPLIES[answerWith];
        if (!h.res.destroyed) h.res.writeHead(status, PLAIN).end(text);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
