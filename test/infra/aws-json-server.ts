import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Responder = (input: Record<string, unknown>) => Record<string, unknown>;

/**
 * A stand-in for an AWS JSON-protocol service (Secrets Manager, Step Functions) on 127.0.0.1: answers each
 * `X-Amz-Target` operation from a table of responders and records the calls, for bundled handlers whose SDK
 * clients cannot be mocked from outside.
 */
export async function startAwsJsonServer(responders: Record<string, Responder>) {
  const calls: { target: string; input: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = (body === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
      calls.push({ target, input });
      const respond = responders[target];
      if (respond === undefined) {
        res
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(respond(input)));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
