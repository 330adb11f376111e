import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake Slack answers one request. */
export type SlackAnswer = 'ok' | 'rate-limited' | 'server-error' | 'invalid-blocks';

export interface Arrival {
  /** Milliseconds (performance.now) when the request body was complete. */
  at: number;
  body: { text?: string; blocks?: unknown[] } & Record<string, unknown>;
  answer: SlackAnswer;
}

/**
 * A local incoming-webhook endpoint that answers like Slack does: 200 `ok`, 429 with Retry-After: 1,
 * 500, or 400 `invalid_blocks`. `answer` decides per request; every request is recorded.
 */
export async function startSlackLikeServer(answer: (arrival: Omit<Arrival, 'answer'>, index: number) => SlackAnswer) {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const partial = { at: performance.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Arrival['body'] };
      const a = answer(partial, arrivals.length);
      arrivals.push({ ...partial, answer: a });
      if (a === 'ok') res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
      else if (a === 'rate-limited') res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/html' }).end('rate_limited');
      else if (a === 'server-error') res.writeHead(500, { 'content-type': 'text/html' }).end('internal_error');
      else res.writeHead(400, { 'content-type': 'text/html' }).end('invalid_blocks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    arrivals,
    /** Bodies Slack accepted (answered 200). */
    accepted: () => arrivals.filter((a) => a.answer === 'ok').map((a) => a.body),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Clock and sleep that only move virtual time, so retries and backoffs cost no real waiting. */
export function virtualTiming(start = Date.UTC(2026, 10, 1)) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    timing: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
  };
}
