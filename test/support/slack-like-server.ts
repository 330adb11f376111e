import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake Slack answers one request. */
export type SlackAnswer = 'ok' | 'rate-limited' | 'server-error' | 'invalid-blocks';

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
  close(): Promise<void>;
}

const PLAIN = { 'content-type': 'text/html' };

/**
 * A local incoming-webhook endpoint that answers like Slack does: 200 `ok`, 429 with Retry-After: 1,
 * 500, or 400 `invalid_blocks`, as `answer` decides per request (by default it accepts everything).
 * A body that is not JSON gets 400 `invalid_payload` and a method other than POST 405; neither is an arrival.
 */
export async function startSlackLikeServer(
  answer: (arrival: Omit<Arrival, 'answer'>, index: number) => SlackAnswer = () => 'ok',
): Promise<SlackLikeServer> {
  const arrivals: Arrival[] = [];
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
      arrivals.push({ ...partial, answer: a });
      if (a === 'ok') res.writeHead(200, PLAIN).end('ok');
      else if (a === 'rate-limited') res.writeHead(429, { ...PLAIN, 'retry-after': '1' }).end('rate_limited');
      else if (a === 'server-error') res.writeHead(500, PLAIN).end('internal_error');
      else res.writeHead(400, PLAIN).end('invalid_blocks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    arrivals,
    accepted: () => arrivals.filter((a) => a.answer === 'ok').map((a) => a.body),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
