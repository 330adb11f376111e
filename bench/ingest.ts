/**
 * Ingest throughput against raw BatchWriteItem, same dynalite server (child process, LevelDB on disk),
 * same events, same run. Run: npx tsx bench/ingest.ts [events=20000] [rounds=3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FleetEvent } from '../src/model/event';
import { ingestOutcomes } from '../src/app/ingest';
import { batchWrite, chunk, emptyStats, forEachLimit, BATCH_WRITE_MAX } from '../src/store/batch';
import { DynamoStore } from '../src/store/dynamo-store';
import { eventItem, eventKey } from '../src/store/items';
import { startLocalServer } from '../src/store/local-server';
import { createDynamoClient, ensureTable } from '../src/store/open-store';
import { DEFAULT_RETRY, backoffDelay, sleep } from '../src/store/retry';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SourceOutcome } from '../src/sources/types';
import { generateHistory } from '../test/reliability/history';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const total = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 3);
/** BatchWriteItem requests in flight for the raw baselines: what ingest can have in flight (4 batches × 4). */
const RAW_CONCURRENCY = 16;

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-bench-'));
const server = await startLocalServer({ dataDir: dir, mode: 'child' });
const client = createDynamoClient({ endpoint: server.endpoint });
const events = generateHistory({ events: total, seed: 7, hosts: 200, vms: 4000 });
const outcomes: SourceOutcome[] = events.map((event, i) => ({
  kind: 'event',
  source: 'canonical',
  event,
  file: 'bench',
  record: `line ${i + 1}`,
}));
let tableNo = 0;

async function freshTable(): Promise<string> {
  const name = `bench-${tableNo++}`;
  await ensureTable(client, name);
  return name;
}

async function raw(): Promise<{ ms: number; writes: number }> {
  const ctx = { client, tableName: await freshTable(), retry: DEFAULT_RETRY, stats: emptyStats() };
  const start = performance.now();
  const now = Date.now();
  const items = events.map((e: FleetEvent) =>
    eventItem(e, JSON.stringify(e), eventKey(e), now, Math.floor(now / 1000) + 86_400),
  );
  await forEachLimit(chunk(items, BATCH_WRITE_MAX), RAW_CONCURRENCY, (batch) => batchWrite(ctx, batch));
  return { ms: performance.now() - start, writes: ctx.stats.itemsWritten };
}

/**
 * The plain way to write events with the SDK: each event as a DynamoDB item (lib-dynamodb marshals its
 * fields into maps), no duplicate check. UnprocessedItems retried like ours.
 */
async function rawDocument(): Promise<{ ms: number }> {
  const tableName = await freshTable();
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const start = performance.now();
  const now = Date.now();
  const items = events.map((e) => ({ ...eventKey(e), ...e, at: now, expiresAt: Math.floor(now / 1000) + 86_400 }));
  await forEachLimit(chunk(items, BATCH_WRITE_MAX), RAW_CONCURRENCY, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(DEFAULT_RETRY, attempt));
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
  return { ms: performance.now() - start };
}

async function ours(): Promise<{
  ms: number;
  writes: number;
  reads: number;
  accepted: number;
  againMs: number;
  againCpu: number;
  againDuplicates: number;
  againWrites: number;
}> {
  const store = new DynamoStore({ client, tableName: await freshTable() });
  const start = performance.now();
  const report = await ingestOutcomes(store, outcomes);
  const ms = performance.now() - start;
  const writes = store.stats.itemsWritten;
  const reads = store.stats.readRequests;
  const againStart = performance.now();
  const cpu = serverCpuMs();
  const again = await ingestOutcomes(store, outcomes);
  const againCpu = serverCpuMs() - cpu;
  return {
    ms,
    writes,
    reads,
    accepted: report.accepted,
    againMs: performance.now() - againStart,
    againCpu,
    againDuplicates: again.duplicates,
    againWrites: store.stats.itemsWritten - writes,
  };
}

/** CPU time (ms) the dynalite child has used so far: tells whether a run was bound by the server. */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rawMs: number[] = [];
const ourMs: number[] = [];
const rawCpu: number[] = [];
const docMs: number[] = [];
const ourCpu: number[] = [];
let last: Awaited<ReturnType<typeof ours>> | undefined;
let rawWrites = 0;
try {
  await raw(); // warm-up: JIT, sockets, LevelDB files
  for (let r = 0; r < rounds; r++) {
    docMs.push((await rawDocument()).ms);
    let cpu = serverCpuMs();
    const a = await raw();
    rawCpu.push(serverCpuMs() - cpu);
    rawMs.push(a.ms);
    cpu = serverCpuMs();
    rawWrites = a.writes;
    last = await ours();
    ourCpu.push(serverCpuMs() - cpu - last.againCpu);
    ourMs.push(last.ms);
    if (last.accepted !== total || last.againDuplicates !== total)
      throw new Error(`counts do not reconcile: ${JSON.stringify(last)}`);
  }
  const rawRate = total / (median(rawMs) / 1000);
  const docRate = total / (median(docMs) / 1000);
  const ourRate = total / (median(ourMs) / 1000);
  console.log(`bench/ingest: ${total} events, ${rounds} rounds (median), dynalite child process on LevelDB, same run`);
  console.log(
    `  raw BatchWriteItem, events as DynamoDB maps (lib-dynamodb)  ${docRate.toFixed(0).padStart(7)} events/s  1.000 writes/event`,
  );
  console.log(
    `  raw BatchWriteItem, the same items ingest writes            ${rawRate.toFixed(0).padStart(7)} events/s  ${(rawWrites / total).toFixed(3)} writes/event`,
  );
  console.log(
    `  hyperaudit ingest (duplicate check, counts, snapshots)     ${ourRate.toFixed(0).padStart(7)} events/s  ${(last!.writes / last!.accepted).toFixed(3)} writes/event  (${(last!.reads / (total / 100)).toFixed(2)} read requests per 100 events: duplicate check + snapshots)`,
  );
  console.log(
    `  dynalite CPU per 1000 events: raw ${((median(rawCpu) / total) * 1000).toFixed(0)} ms, ingest ${((median(ourCpu) / total) * 1000).toFixed(0)} ms (wall: raw ${((median(rawMs) / total) * 1000).toFixed(0)} ms, ingest ${((median(ourMs) / total) * 1000).toFixed(0)} ms)`,
  );
  console.log(
    `  ratio: ${((ourRate / docRate) * 100).toFixed(1)}% of raw map writes, ${((ourRate / rawRate) * 100).toFixed(1)}% of raw writes of the same items (goal ≥ 80%); writes/event goal ≤ 1.2`,
  );
  console.log(
    `  re-ingest (all duplicates): ${(total / (last!.againMs / 1000)).toFixed(0)} events/s, ${last!.againWrites} writes, ${last!.againDuplicates} duplicates reported`,
  );
} finally {
  client.destroy();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
