import { randomUUID } from 'node:crypto';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { DynamoStore, type DynamoStoreOptions } from '../../src/store/dynamo-store';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../src/store/local-server';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A dynalite server for one test file; each store gets its own fresh table on it. */
export class LocalStores {
  private constructor(readonly server: LocalServer) {}
  private readonly stores: DynamoStore[] = [];

  static async start(options: LocalServerOptions = { mode: 'in-process' }): Promise<LocalStores> {
    return new LocalStores(await startLocalServer(options));
  }

  async open(options: Partial<Omit<DynamoStoreOptions, 'client'>> = {}): Promise<DynamoStore> {
    const client = createDynamoClient({ endpoint: this.server.endpoint });
    const tableName = options.tableName ?? `t-${randomUUID()}`;
    await ensureTable(client, tableName);
    const store = new DynamoStore({ scanSegments: 2, ...options, client, tableName });
    this.stores.push(store);
    return store;
  }

  async stop(): Promise<void> {
    for (const s of this.stores) s.close();
    await this.server.stop();
  }
}
