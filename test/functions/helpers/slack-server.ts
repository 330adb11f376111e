import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An incoming-webhook stand-in on 127.0.0.1: records payloads, answers 200 "ok" or a chosen failure. */
export async function startSlackServer() {
  const received: Record<string, unknown>[] = [];
  let failWith: number | undefined;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (failWith !== undefined) {
        res.writeHead(failWith, { 'content-type': 'text/plain' }).end('service_unavailable');
        return;
      }
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    // Shaped like a real webhook URL, so a leak of its secret path would be visible in logs.
    url: `http://127.0.0.1:${port}/services/T0HYPERAUD/B0WEBHOOK1/s3cr3tWebhookPathXq9Lm2Zt`,
    received,
    down(status = 503) {
      failWith = status;
    },
    up() {
      failWith = undefined;
    },
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
