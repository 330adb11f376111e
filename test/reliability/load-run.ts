import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestOutcomes, type IngestReport } from '../../src/app/ingest';
import { readSources } from '../../src/sources/read-sources';
import { DynamoStore } from '../../src/store/dynamo-store';
import { startLocalServer } from '../../src/store/local-server';
import { createDynamoClient, ensureTable } from '../../src/store/open-store';
import { historyEvents } from './history';

export interface LoadResult {
  events: number;
  report: IngestReport;
  /** Event items found in the table afterwards by a full Scan. */
  stored: number;
  /** Entity snapshots the ingest refreshed along the way (busy entities). */
  snapshots: number;
  /** DynamoDB items written per accepted event (events + snapshots). */
  writesPerEvent: number;
  /** Time to read the whole fleet back (loadFleet: full Scan and fold), when asked for. */
  loadFleetMs?: number;
  hostsAndVms?: number;
  ingestMs: number;
  peakRssMiB: number;
  serverPeakRssMiB: number;
}

/**
 * The whole local path at volume: a canonical NDJSON file written as a stream, read back with
 * readSources (streamed line by line), ingested into the embedded server on disk, then counted.
 */
export async function runLoad(
  events: number,
  options: { onProgress?: (accepted: number) => void; measureLoadFleet?: boolean } = {},
): Promise<LoadResult> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-load-'));
  const file = join(dir, 'history.ndjson');
  const out = createWriteStream(file);
  for (const event of historyEvents({ events, seed: 9, hosts: 500, vms: 20_000 })) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');

  const server = await startLocalServer({ dataDir: join(dir, 'store'), mode: 'child' });
  const client = createDynamoClient({ endpoint: server.endpoint });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  try {
    await ensureTable(client, 'load');
    const store = new DynamoStore({ client, tableName: 'load' });
    const start = performance.now();
    const report = await ingestOutcomes(store, readSources([file]), {
      onProgress: (p) => options.onProgress?.(p.accepted),
    });
    const ingestMs = performance.now() - start;
    clearInterval(sampler);
    const serverPeakRssMiB =
      Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    let stored = 0;
    let snapshots = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({
          TableName: 'load',
          ProjectionExpression: 'sk',
          ...(startKey && { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk?.S?.startsWith('EV#')) stored++;
        else if (item.sk?.S === 'STATE') snapshots++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const result: LoadResult = {
      events,
      report,
      stored,
      snapshots,
      writesPerEvent: store.stats.itemsWritten / report.accepted,
      ingestMs,
      peakRssMiB: peakRss / 2 ** 20,
      serverPeakRssMiB,
    };
    if (options.measureLoadFleet) {
      const start = performance.now();
      const fleet = await store.loadFleet();
      result.loadFleetMs = performance.now() - start;
      result.hostsAndVms = fleet.hosts.size + fleet.vms.size;
    }
    return result;
  } finally {
    clearInterval(sampler);
    client.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
