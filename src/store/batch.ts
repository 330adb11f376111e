import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type KeysAndAttributes,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { backoffDelay, sleep, withRetry, type RetryPolicy } from './retry';

export type Item = Record<string, AttributeValue>;
export interface Key {
  pk: string;
  sk: string;
}

/** Request and item counts, for the bench's writes-per-event figure and for tests. */
export interface StoreStats {
  writeRequests: number;
  itemsWritten: number;
  readRequests: number;
  itemsRead: number;
  retries: number;
  /** Entity snapshots written by `compact` or refreshed during ingest. */
  snapshotsWritten: number;
  /** Snapshots not written (over the item limit, or a failed write the events' store did not wait for). */
  snapshotsSkipped: number;
}

export function emptyStats(): StoreStats {
  return {
    writeRequests: 0,
    itemsWritten: 0,
    readRequests: 0,
    itemsRead: 0,
    retries: 0,
    snapshotsWritten: 0,
    snapshotsSkipped: 0,
  };
}

/** DynamoDB kept handing back part of a batch after every retry; names what is not stored. */
export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
  constructor(
    readonly operation: 'BatchWriteItem' | 'BatchGetItem',
    readonly keys: Key[],
    attempts: number,
  ) {
    const shown = keys
      .slice(0, 5)
      .map((k) => `${k.pk} ${k.sk}`)
      .join(', ');
    super(
      `${operation}: ${keys.length} item(s) still unprocessed after ${attempts} attempts (table throttled?): ${shown}${keys.length > 5 ? ', …' : ''}`,
    );
  }
}

const keyOf = (item: Item): Key => ({ pk: item.pk?.S ?? '?', sk: item.sk?.S ?? '?' });

export const BATCH_WRITE_MAX = 25;
export const BATCH_GET_MAX = 100;

export interface BatchContext {
  client: DynamoDBClient;
  tableName: string;
  retry: RetryPolicy;
  stats: StoreStats;
}

/**
 * One batch operation to the end: sends `pending`, then whatever DynamoDB handed back unprocessed, with backoff
 * between rounds, until nothing is left or the policy's attempts run out. Each send retries its own
 * throttling errors; `settle` counts the round and returns what is still unprocessed.
 */
async function untilProcessed<T, Out>(
  ctx: BatchContext,
  operation: UnprocessedItemsError['operation'],
  pending: T[],
  keysOf: (left: T[]) => Key[],
  send: (request: T[]) => Promise<Out>,
  settle: (request: T[], out: Out) => T[],
): Promise<void> {
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= ctx.retry.maxAttempts) throw new UnprocessedItemsError(operation, keysOf(pending), attempt);
    if (attempt > 0) {
      ctx.stats.retries++;
      await sleep(backoffDelay(ctx.retry, attempt));
    }
    const request = pending;
    const out = await withRetry(
      ctx.retry,
      () => send(request),
      () => ctx.stats.retries++,
    );
    pending = settle(request, out);
  }
}

/** Writes up to 25 items, retrying UnprocessedItems with backoff until all are stored or attempts run out. */
export async function batchWrite(ctx: BatchContext, items: readonly Item[]): Promise<void> {
  await batchWriteRequests(
    ctx,
    items.map((Item): WriteRequest => ({ PutRequest: { Item } })),
  );
}

/** Deletes up to 25 items by key (BatchWriteItem: no action beyond what every writer is granted). */
export async function batchDelete(ctx: BatchContext, keys: readonly Key[]): Promise<void> {
  await batchWriteRequests(
    ctx,
    keys.map((k): WriteRequest => ({ DeleteRequest: { Key: { pk: { S: k.pk }, sk: { S: k.sk } } } })),
  );
}

async function batchWriteRequests(ctx: BatchContext, requests: WriteRequest[]): Promise<void> {
  if (requests.length > BATCH_WRITE_MAX) throw new RangeError(`batchWrite takes at most ${BATCH_WRITE_MAX} items`);
  await untilProcessed(
    ctx,
    'BatchWriteItem',
    requests,
    (left) => left.map((r) => keyOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {})),
    (request) => ctx.client.send(new BatchWriteItemCommand({ RequestItems: { [ctx.tableName]: request } })),
    (request, out) => {
      const left = out.UnprocessedItems?.[ctx.tableName] ?? [];
      ctx.stats.writeRequests++;
      ctx.stats.itemsWritten += request.length - left.length;
      return left;
    },
  );
}

/** Reads up to 100 keys (strongly consistent), retrying UnprocessedKeys; returns the items found. */
export async function batchGet(ctx: BatchContext, keys: readonly Key[], projection?: string[]): Promise<Item[]> {
  if (keys.length > BATCH_GET_MAX) throw new RangeError(`batchGet takes at most ${BATCH_GET_MAX} keys`);
  const names = projection && Object.fromEntries(projection.map((p, i) => [`#p${i}`, p]));
  const base: Omit<KeysAndAttributes, 'Keys'> = {
    ConsistentRead: true,
    ...(names && { ProjectionExpression: Object.keys(names).join(','), ExpressionAttributeNames: names }),
  };
  const found: Item[] = [];
  await untilProcessed(
    ctx,
    'BatchGetItem',
    keys.map((k): Item => ({ pk: { S: k.pk }, sk: { S: k.sk } })),
    (left) => left.map(keyOf),
    (request) =>
      ctx.client.send(new BatchGetItemCommand({ RequestItems: { [ctx.tableName]: { ...base, Keys: request } } })),
    (_, out) => {
      const items = out.Responses?.[ctx.tableName] ?? [];
      ctx.stats.readRequests++;
      ctx.stats.itemsRead += items.length;
      found.push(...items);
      return out.UnprocessedKeys?.[ctx.tableName]?.Keys ?? [];
    },
  );
  return found;
}

/**
 * Runs `fn` over `items` with at most `limit` in flight. After a failure no new item is started, and the
 * first error is thrown once the calls already running have settled, so nothing keeps writing in the
 * background after the caller saw the error (and what they did is known when it is reported).
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
