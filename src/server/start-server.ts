import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServeHandler, type ServeAppOptions } from './http-app';
import { LOOPBACK } from './listen-address';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server on 127.0.0.1 (port 0 = any free port). */
export async function startServeServer(port: number, options: ServeAppOptions): Promise<RunningServer> {
  const server: Server = createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, createServeHandler(options));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, LOOPBACK, () => ok());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((err) => (err ? fail(err) : ok()));
        server.closeAllConnections();
      }),
  };
}
