import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoStore } from '../../src/store/dynamo-store';
import { startLocalServer } from '../../src/store/local-server';
import { openDynamoStore } from '../../src/store/open-store';

export interface LocalDynamo {
  /** For the CLI's --endpoint. */
  endpoint: string;
  /** The same table the CLI opens by default at that endpoint. */
  store: DynamoStore;
  /** A scratch directory for the suite's output files. */
  dir: string;
  /** Closes the store, stops the server and removes the directory. */
  stop(): Promise<void>;
}

/** An in-process dynalite on a random loopback port, its default table opened, and a scratch directory. */
export async function startLocalDynamo(dirPrefix: string): Promise<LocalDynamo> {
  const server = await startLocalServer({ mode: 'in-process' });
  const store = await openDynamoStore({ endpoint: server.endpoint });
  const dir = await mkdtemp(join(tmpdir(), dirPrefix));
  return {
    endpoint: server.endpoint,
    store,
    dir,
    stop: async () => {
      store.close();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
