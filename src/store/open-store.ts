import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoStore, type DynamoStoreOptions } from './dynamo-store';
import { readItemsPlainly } from './plain-item-responses';
import { TABLE, clusterIndexDefinition, createTableInput } from './table';

export interface ClientTarget {
  /** Any DynamoDB-compatible endpoint (dynalite, DynamoDB Local); omitted = real DynamoDB. */
  endpoint?: string;
  region?: string;
  /**
   * The embedded dynalite this process started: requests carry a fixed placeholder signature instead of a SigV4
   * one (dynalite checks only that the header is well formed).
   */
  unsigned?: boolean;
  /** How long one request and its answer may take before it fails and is retried (default 60 s). */
  requestTimeoutMs?: number;
}

/**
 * A well-formed SigV4 header that signs nothing, for the embedded dynalite: signing every page of a Scan with
 * placeholder credentials cost the CLI's audit about 60 ms of CPU on the sample fleet, for a server that never
 * checks a signature.
 */
const placeholderSigV4: NonNullable<DynamoDBClientConfig['httpAuthSchemes']>[number] = {
  schemeId: 'aws.auth#sigv4',
  identityProvider: () => async () => ({ expiration: undefined }),
  signer: {
    sign: async (request) => {
      request.headers['x-amz-date'] = '20260101T000000Z';
      request.headers.authorization =
        'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';
      return request;
    },
  },
};

/**
 * Timeouts that end a request: without `throwOnRequestTimeout` the SDK only logs a breach of `requestTimeout`, so a
 * stalled store would hold the command, or a Lambda until its own timeout. The retry strategy then tries again.
 */
export function boundedRequestHandler(requestTimeoutMs = 60_000) {
  return { connectionTimeout: 5_000, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true };
}

/**
 * A DynamoDB client with bounded timeouts and the SDK's adaptive retry (it backs off on throttling
 * before our own loops see an error). Local endpoints get placeholder credentials unless the
 * environment has real ones, so the default credential chain never goes looking for them. Scan and Query answers
 * are read without the SDK's schema walk (`readItemsPlainly`: same output, a fraction of the CPU).
 */
export function createDynamoClient(target: ClientTarget = {}): DynamoDBClient {
  const local = target.endpoint !== undefined && process.env.AWS_ACCESS_KEY_ID === undefined;
  const client = new DynamoDBClient({
    ...(target.endpoint !== undefined && { endpoint: target.endpoint }),
    region:
      target.region ??
      process.env.AWS_REGION ??
      process.env.AWS_DEFAULT_REGION ??
      (target.endpoint ? 'local' : undefined),
    ...(local && { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    ...(target.unsigned === true && { httpAuthSchemes: [placeholderSigV4] }),
    maxAttempts: 5,
    retryMode: 'adaptive',
    requestHandler: boundedRequestHandler(target.requestTimeoutMs),
  });
  return readItemsPlainly(client);
}

/** Creates the table when missing (and enables TTL where the server supports it); waits until it is active. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { clusterIndex?: boolean } = {},
): Promise<void> {
  const clusterIndex = options.clusterIndex ?? true;
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') {
      if (
        clusterIndex &&
        !(out.Table.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === TABLE.clusterIndex.name)
      )
        await addClusterIndex(client, tableName);
      return;
    }
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException) && (err as Error).name !== 'ResourceNotFoundException') throw err;
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName, { clusterIndex })));
    } catch (createErr) {
      // Another process created it between our describe and create.
      if ((createErr as Error).name !== 'ResourceInUseException') throw createErr;
    }
  }
  await waitForActive(client, tableName);
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch {
    // dynalite has no TTL (readers skip expired items themselves); on DynamoDB it may already be enabled.
  }
}

/**
 * Upgrades a table made before the cluster index in place: DynamoDB adds a global secondary index to a live table
 * and backfills it (until then, and on servers that ignore the request such as dynalite, incremental evaluation
 * reads the whole table as before: docs/store.md, "Upgrading a table").
 */
async function addClusterIndex(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: TABLE.clusterIndex.partitionKey, AttributeType: 'S' },
          { AttributeName: TABLE.clusterIndex.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: clusterIndexDefinition() }],
      }),
    );
  } catch {
    // Another process is adding it, or the server cannot: evaluation falls back to reading the table.
  }
}

/** Client, table and store in one step. */
export async function openDynamoStore(
  target: ClientTarget & { tableName?: string; createTable?: boolean },
  options: Partial<Omit<DynamoStoreOptions, 'client' | 'tableName'>> = {},
): Promise<DynamoStore> {
  const client = createDynamoClient(target);
  const tableName = target.tableName ?? TABLE.defaultName;
  if (target.createTable ?? true) await ensureTable(client, tableName);
  return new DynamoStore({ ...options, client, tableName });
}

/** Polls quickly first (dynalite and DynamoDB Local are active at once), then backs off up to 5 s. */
async function waitForActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (let delay = 10; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (out.Table?.TableStatus === 'ACTIVE') return;
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within 3 minutes`);
    await new Promise((ok) => setTimeout(ok, delay));
  }
}
