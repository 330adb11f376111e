import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalServer, type LocalServer } from '../../../src/store/local-server';
import { createTableInput } from '../../../src/store/table';
import { DynamoStore } from '../../../src/store/dynamo-store';

export interface LocalTable {
  server: LocalServer;
  endpoint: string;
  client: DynamoDBClient;
  store: DynamoStore;
  tableName: string;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** dynalite on 127.0.0.1 at a random port, with the hyperaudit table created. */
export async function startLocalTable(tableName = 'hyperaudit'): Promise<LocalTable> {
  const server = await startLocalServer({ mode: 'in-process' });
  const client = new DynamoDBClient({ endpoint: server.endpoint, region: 'eu-west-1', credentials });
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  return { server, endpoint: server.endpoint, client, store: new DynamoStore({ client, tableName }), tableName };
}

/** Points handler modules (which build their own SDK clients from the environment) at the local table. */
export function useLocalTableEnv(table: LocalTable): void {
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = table.endpoint;
  process.env.TABLE_NAME = table.tableName;
}

export async function stopLocalTable(table: LocalTable | undefined): Promise<void> {
  if (table === undefined) return;
  table.client.destroy();
  await table.server.stop();
}

/** Fresh tables, one per run so runs never see each other's findings, each holding its events; stopped together. */
export function localTables() {
  const tables: LocalTable[] = [];
  return {
    async with(events: Parameters<DynamoStore['putEvents']>[0]): Promise<DynamoStore> {
      const table = await startLocalTable();
      tables.push(table);
      await table.store.putEvents(events);
      return table.store;
    },
    async stopAll(): Promise<void> {
      await Promise.all(tables.map((t) => stopLocalTable(t)));
    },
  };
}
