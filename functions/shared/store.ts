import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../src/store/dynamo-store';
import { boundedRequestHandler } from '../../src/store/open-store';
import { readItemsPlainly } from '../../src/store/plain-item-responses';
import { MAX_CLOCK_SKEW_ENV, maxAheadSecondsFrom } from '../../src/sources/clock-skew';

/**
 * The fleet store on the stack's table; handlers create it once per container, outside the handler. Scan and
 * Query answers are read without the SDK's schema walk, as the CLI's client does (src/store/plain-item-responses.ts).
 */
export function openStore(tableName: string, clientConfig: DynamoDBClientConfig = {}): DynamoStore {
  // The clock-skew limit the stack gives the ingest function; other functions fold with the default.
  const maxAheadSeconds = maxAheadSecondsFrom(undefined, process.env, MAX_CLOCK_SKEW_ENV);
  return new DynamoStore({
    client: readItemsPlainly(new DynamoDBClient({ requestHandler: boundedRequestHandler(), ...clientConfig })),
    tableName,
    maxEventAheadMs: maxAheadSeconds * 1000,
  });
}
