import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../src/store/dynamo-store';
import { META_PK } from '../../src/store/items';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * A client over a fake HTTP handler (no mocked `send`: the SDK's own stack runs, abort signal included). The first
 * answer is a page whose item the reader cannot parse; the second never comes unless its request is aborted.
 */
function clientWithAHangingSecondPage() {
  const signals: (AbortSignal | undefined)[] = [];
  const page1 = JSON.stringify({
    Items: [{ pk: { S: META_PK }, sk: { S: 'k/1' }, j: { S: '{not json' } }],
    Count: 1,
    ScannedCount: 1,
    LastEvaluatedKey: { pk: { S: META_PK }, sk: { S: 'k/1' } },
  });
  const client = new DynamoDBClient({
    region: 'local',
    endpoint: 'http://127.0.0.1:1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (_request: unknown, options?: { abortSignal?: AbortSignal }) => {
        signals.push(options?.abortSignal);
        if (signals.length === 1)
          return {
            response: {
              statusCode: 200,
              headers: { 'content-type': 'application/x-amz-json-1.0' },
              body: Readable.from([Buffer.from(page1)]),
            },
          };
        // As the SDK's Node handler does: a request aborted before or while it is under way fails.
        return new Promise<never>((_ok, fail) => {
          if (options?.abortSignal?.aborted) fail(new Error('aborted'));
          options?.abortSignal?.addEventListener('abort', () => fail(new Error('aborted')));
        });
      },
    },
  });
  return { client, signals };
}

describe('a paginated read that failed', () => {
  it('cancels the request of the page it had asked for ahead', async () => {
    const { client, signals } = clientWithAHangingSecondPage();
    const store = new DynamoStore({
      client,
      tableName: 't',
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      snapshotEvery: 0,
    });
    await expect(store.listMeta('k/')).rejects.toThrow(SyntaxError);
    // The SDK reaches its handler a few turns after the request is made, so let the request get there.
    await new Promise((ok) => setTimeout(ok, 20));
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(true);
  });
});
