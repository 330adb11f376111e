import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackLikeServer {
  url: string;
  /** Every JSON body Slack would have received, in arrival order. */
  received: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A local HTTP server that answers incoming-webhook posts like Slack does when it accepts them (200 `ok`). */
export async function startSlackLikeServer(): Promise<SlackLikeServer> {
  const received: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405).end();
        return;
      }
      try {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    received,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
