import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestOutcomes, type IngestReport } from '../../src/pipeline/ingest';
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
  ingestMs: number;
  peakRssMiB: number;
  serverPeakRssMiB: number;
}

/**
 * The whole local path at volume: a canonical NDJSON file written as a stream, read back with
 * readSources (streamed line by line), ingested into the embedded server on disk, then counted.
 */
export async function runLoad(events: number, onProgress?: (accepted: number) => void): Promise<LoadResult> {
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
    const report = await ingestOutcomes(store, readSources([file]), { onProgress: (p) => onProgress?.(p.accepted) });
    const ingestMs = performance.now() - start;
    clearInterval(sampler);
    const serverPeakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    let stored = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: 'load', Select: 'COUNT', ...(startKey && { ExclusiveStartKey: startKey }) }));
      stored += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { events, report, stored, ingestMs, peakRssMiB: peakRss / 2 ** 20, serverPeakRssMiB };
  } finally {
    clearInterval(sampler);
    client.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
