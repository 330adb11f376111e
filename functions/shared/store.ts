import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../src/store/dynamo-store';

/** The fleet store on the stack's table; handlers create it once per container, outside the handler. */
export function openStore(tableName: string, clientConfig: DynamoDBClientConfig = {}): DynamoStore {
  return new DynamoStore({ client: new DynamoDBClient(clientConfig), tableName });
}
