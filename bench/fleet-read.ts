/**
 * `npx tsx bench/fleet-read.ts DATA_DIR [rounds]`: the fleet read of `audit` (`loadFleet`) and of `simulate`
 * (`loadFleetWithHistory`, the fleet left out when the history holds it) on a stored fleet, e.g. the one
 * `npm run bench -- growth 100000 --keep DIR` leaves in `DIR/100000`. Prints per round the CPU seconds of this
 * process (the CLI's side: answers parsed, events parsed, folded) and of the embedded store's child (reading LevelDB,
 * answering the Scans), from /proc: the box is shared, so wall time says little. The store is copied first: LevelDB
 * rewrites its manifest and log when opened, and the folder given is never written.
 * Baseline, in the same run: the same reads with the store's child answering through dynalite's own Scan (every item
 * of the table parsed), without the key scan (`HYPERAUDIT_STORE_KEY_SCAN=off`).
 * Then `loadFleet` with the CLI's fleet cache (src/cli/fleet-cache.ts) against the key scan's: its first round reads
 * the items and writes the cache, the later ones (an unchanged fleet) read the cache.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer } from '../src/store/local-server';
import { openDynamoStore } from '../src/store/open-store';
import { localFleetCache } from '../src/cli/fleet-cache';
import { processCpuSeconds } from './lib/process-cpu';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [source, roundsArg] = process.argv.slice(2);
if (source === undefined) {
  process.stderr.write('usage: npx tsx bench/fleet-read.ts DATA_DIR [rounds]  (DATA_DIR holds dynalite/)\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 2);
const copy = mkdtempSync(join(tmpdir(), 'hyperaudit-fleet-read-'));
cpSync(join(source, 'dynalite'), join(copy, 'dynalite'), { recursive: true });

const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * CPU seconds (this process + the store's child) of each read, per round, with the given Scan in the child; with
 * `fleetCache`, `loadFleet` only, through the fleet cache.
 */
async function measure(label: string, fleetCache = false): Promise<Map<string, number[]>> {
  const totals = new Map<string, number[]>();
  const server = await startLocalServer({ dataDir: copy, mode: 'child' });
  const store = await openDynamoStore(
    { endpoint: server.endpoint, createTable: false },
    fleetCache ? { fleetCache: localFleetCache({ dataDir: copy, endpoint: server.endpoint, codeStamp: 'bench' }) } : {},
  );
  const all: { name: string; read: () => Promise<string> }[] = [
    {
      name: 'loadFleet',
      read: async () => {
        const fleet = await store.loadFleet();
        return `${fleet.hosts.size} hosts, ${fleet.vms.size} VMs`;
      },
    },
    {
      name: 'loadFleetWithHistory',
      read: async () => {
        const { fleet, history } = await store.loadFleetWithHistory({ fleetOnlyBeyondHistory: true });
        return `${history.length} events${fleet ? `, ${fleet.vms.size} VMs` : ''}`;
      },
    },
  ];
  const reads = fleetCache ? all.slice(0, 1) : all;
  for (let round = 1; round <= rounds; round++)
    for (const { name, read } of reads) {
      const cli = ownCpu();
      const child = processCpuSeconds(server.pid) ?? Number.NaN;
      const what = await read();
      const cliS = ownCpu() - cli;
      const childS = (processCpuSeconds(server.pid) ?? Number.NaN) - child;
      process.stdout.write(
        `${label.padEnd(15)} round ${round} ${name.padEnd(21)} ${what.padEnd(28)} CPU: this process ${cliS.toFixed(2)} s + store child ${childS.toFixed(2)} s = ${(cliS + childS).toFixed(2)} s\n`,
      );
      totals.set(name, [...(totals.get(name) ?? []), cliS + childS]);
    }
  store.close();
  await server.stop();
  return totals;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
try {
  const keyScan = await measure('key scan');
  process.env.HYPERAUDIT_STORE_KEY_SCAN = 'off';
  const baseline = await measure("dynalite's scan");
  delete process.env.HYPERAUDIT_STORE_KEY_SCAN;
  for (const [name, cpu] of keyScan) {
    const base = median(baseline.get(name) ?? []);
    process.stdout.write(
      `${name.padEnd(21)} median ${median(cpu).toFixed(2)} s against dynalite's own scan ${base.toFixed(2)} s → ${(base / median(cpu)).toFixed(2)}× less CPU\n`,
    );
  }
  const cached = (await measure('fleet cache', true)).get('loadFleet') ?? [];
  const read = median(keyScan.get('loadFleet') ?? []);
  const hits = cached.slice(1);
  process.stdout.write(
    `loadFleet             first read with the fleet cache (reads, keeps) ${cached[0]?.toFixed(2)} s; unchanged fleet (read from the cache) median ${median(hits).toFixed(2)} s against the key scan's ${read.toFixed(2)} s → ${(read / median(hits)).toFixed(2)}× less CPU\n`,
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
