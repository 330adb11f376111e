import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalServer, type LocalServer } from '../../src/store/local-server';
import { createDynamoClient } from '../../src/store/open-store';

/**
 * A store child on `dataDir`, started with the scan cache (`on`) or as a process without it would run (`off`: an older
 * hyperaudit, `HYPERAUDIT_STORE_SCAN_CACHE=off`). The child reads the variable when it starts; this process's own
 * value is put back at once.
 */
export async function startStoreChild(dataDir: string, cache: 'on' | 'off' = 'on'): Promise<LocalServer> {
  const saved = process.env.HYPERAUDIT_STORE_SCAN_CACHE;
  if (cache === 'off') process.env.HYPERAUDIT_STORE_SCAN_CACHE = 'off';
  else delete process.env.HYPERAUDIT_STORE_SCAN_CACHE;
  try {
    return await startLocalServer({ mode: 'child', dataDir });
  } finally {
    if (saved === undefined) delete process.env.HYPERAUDIT_STORE_SCAN_CACHE;
    else process.env.HYPERAUDIT_STORE_SCAN_CACHE = saved;
  }
}

/** How `withStoreChild` runs its child: with the scan cache or not, stopped or killed at the end, tracked in `running`. */
export interface StoreChildCommand {
  cache?: 'on' | 'off';
  /** SIGKILL instead of a graceful stop: a command that dies without its close (no cache file written). */
  kill?: boolean;
  /** Where the child is pushed, so a test that fails midway can kill what it left running. */
  running?: LocalServer[];
}

/** One command: a store child started on `dataDir`, `fn` run against it with a client, then the child stopped. */
export async function withStoreChild<T>(
  dataDir: string,
  fn: (endpoint: string, client: DynamoDBClient) => Promise<T>,
  { cache = 'on', kill = false, running }: StoreChildCommand = {},
): Promise<T> {
  const server = await startStoreChild(dataDir, cache);
  running?.push(server);
  const client = createDynamoClient({ endpoint: server.endpoint });
  try {
    return await fn(server.endpoint, client);
  } finally {
    client.destroy();
    await (kill ? server.kill() : server.stop());
  }
}
