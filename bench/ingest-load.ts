/**
 * 1,000,000 events through the local ingest: NDJSON file streamed by readSources into the embedded
 * dynalite (LevelDB on disk). Prints events/s, peak memory of the CLI process and of the server, and
 * reconciles counts (accepted = events in the file = items in the table). Baseline in the same run:
 * the same path at 1/10 of the volume, so the ratio shows whether throughput holds as the table grows.
 * Run: npx tsx bench/ingest-load.ts [events=1000000]
 */
import { runLoad, type LoadResult } from '../test/reliability/load-run';

const events = Number(process.argv[2] ?? 1_000_000);
const rate = (r: LoadResult) => r.report.accepted / (r.ingestMs / 1000);

const small = await runLoad(Math.max(1000, Math.round(events / 10)));
let lastPrint = 0;
const big = await runLoad(events, {
  measureLoadFleet: true,
  onProgress: (accepted) => {
    if (accepted - lastPrint >= 100_000) {
      lastPrint = accepted;
      process.stderr.write(`  … ${accepted} stored, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB\n`);
    }
  },
});
const reconciled =
  big.report.accepted === events &&
  big.stored === events &&
  big.report.rejectedCount === 0 &&
  big.report.duplicates === 0;
console.log(`bench/ingest-load: ${events} events, NDJSON → readSources → ingest → dynalite (child process, LevelDB)`);
console.log(
  `  ${events} events: ${rate(big).toFixed(0)} events/s, ${(big.ingestMs / 1000).toFixed(1)} s, peak RSS ${big.peakRssMiB.toFixed(0)} MiB (ingest) / ${big.serverPeakRssMiB.toFixed(0)} MiB (dynalite)`,
);
console.log(
  `  ${small.events} events (baseline, same run): ${rate(small).toFixed(0)} events/s, peak RSS ${small.peakRssMiB.toFixed(0)} MiB`,
);
console.log(
  `  throughput at full volume: ${((rate(big) / rate(small)) * 100).toFixed(1)}% of the small run; memory ${(big.peakRssMiB / small.peakRssMiB).toFixed(2)}× for ${(events / small.events).toFixed(0)}× the events`,
);
console.log(
  `  ${big.writesPerEvent.toFixed(3)} writes/event (${big.snapshots} snapshots of busy entities); loadFleet of ${big.hostsAndVms} hosts+VMs over ${events} events: ${((big.loadFleetMs ?? 0) / 1000).toFixed(1)} s`,
);
console.log(
  `  counts: accepted ${big.report.accepted}, duplicates ${big.report.duplicates}, rejected ${big.report.rejectedCount}, in table ${big.stored} → ${reconciled ? 'reconciled, 0 lost' : 'MISMATCH'}`,
);
if (!reconciled) process.exitCode = 1;
