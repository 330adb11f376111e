import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/store/open-store';

/** A store that takes requests and never answers: a hung dynalite, or a DynamoDB endpoint behind a dead proxy. */
let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  server = createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the DynamoDB client against a store that never answers', () => {
  it('fails each request after its timeout and gives up after its retries, instead of waiting forever', async () => {
    const client = createDynamoClient({ endpoint, region: 'local', requestTimeoutMs: 200 });
    const failure = await client.send(new DescribeTableCommand({ TableName: 't' })).then(
      () => undefined,
      (error: unknown) => error,
    );
    client.destroy();
    expect((failure as Error | undefined)?.name).toBe('TimeoutError');
    expect(requests).toBeGreaterThan(1);
  }, 60_000);
});
