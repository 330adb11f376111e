/**
 * `npx tsx bench/json-document.ts [vms] [layout] [rounds]` (default 20,000 VMs, sparse, 4 rounds): the CPU of
 * writing the unchanged audit's `--format json` document to a file (`writePieces(formatJsonParts(result), file)`, as
 * `hyperaudit audit --format json --out FILE` does), on bench/growth's fleet audited twice in memory (a MemoryStore:
 * the second audit is the unchanged one, as the CLI's is). Each round prints its user and system CPU, the page faults
 * it took (first-touched memory: about 10 µs of CPU each on the Firecracker VM the project is measured on), the
 * collector's pauses and the document's size; the file is written over each round and deleted at the end. The
 * baseline, alternated with it in every round: the plain way of writing a JSON document, `JSON.stringify` of the same
 * document's object (`toJsonDocument`, indented by two) written in one call; it prints the ratio of their user CPU.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/app/audit';
import { writeTextPieces } from '../src/cli/write-pieces';
import { loadRules } from '../src/engine/load-rules';
import { fixedClock } from '../src/model/ports/clock';
import { formatJsonParts, toJsonDocument } from '../src/report/formats/json';
import { MemoryStore } from '../src/store/memory-store';
import { fleetBenchArgs } from './lib/fleet-bench-args';
import { gcPauseMeter } from './lib/process-cpu';
import { growthEvents } from './lib/growth-fleet';

const { vms: VMS, layout: LAYOUT, rounds: ROUNDS } = fleetBenchArgs(process.argv, 20_000);

const store = new MemoryStore();
await store.putEvents(growthEvents(VMS, LAYOUT));
const rules = loadRules(undefined, { profile: 'scg' });
await runAudit({ store, clock: fixedClock('2026-12-05T09:00:00.000Z') }, { rules, profile: 'scg', full: true });
const result = await runAudit(
  { store, clock: fixedClock('2026-12-05T10:00:00.000Z') },
  { rules, profile: 'scg', full: true },
);
const unverified = result.findings.filter((f) => f.status === 'unverified').length;
process.stdout.write(
  `${VMS.toLocaleString('en-US')} VMs, ${LAYOUT}: ${result.findings.length.toLocaleString('en-US')} findings, ` +
    `${unverified.toLocaleString('en-US')} unverified\n`,
);

const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-json-document-'));
const file = join(dir, 'audit.json');
const gcPauses = gcPauseMeter();
try {
  for (let round = 0; round < ROUNDS; round++) {
    const gcBefore = gcPauses();
    const before = process.resourceUsage();
    const bytes = await writeTextPieces(formatJsonParts(result), file);
    const after = process.resourceUsage();
    // The collector's pauses are reported after the round's work: wait for the observer's entries.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const writerGcMs = gcPauses() - gcBefore;
    const baseline = plainWrite();
    const ms = (micros: number) => (micros / 1000).toFixed(0);
    process.stdout.write(
      `round ${round + 1}: user ${ms(after.userCPUTime - before.userCPUTime)} ms, ` +
        `sys ${ms(after.systemCPUTime - before.systemCPUTime)} ms, ` +
        `${(after.minorPageFault - before.minorPageFault).toLocaleString('en-US')} page faults, ` +
        `gc pauses ${writerGcMs.toFixed(0)} ms, ${bytes.toLocaleString('en-US')} bytes; ` +
        (baseline === undefined
          ? "baseline: the document is over V8's longest string\n"
          : `baseline (JSON.stringify of the document's object) user ${ms(baseline.userMicros)} ms, ` +
            `${baseline.bytes.toLocaleString('en-US')} bytes: ` +
            `${(baseline.userMicros / Math.max(1, after.userCPUTime - before.userCPUTime)).toFixed(2)}× this writer's CPU\n`),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The baseline: the document's object stringified whole and written in one call; undefined past V8's longest string. */
function plainWrite(): { userMicros: number; bytes: number } | undefined {
  const before = process.resourceUsage();
  try {
    const text = JSON.stringify(toJsonDocument(result), null, 2);
    writeFileSync(file, text);
    return { userMicros: process.resourceUsage().userCPUTime - before.userCPUTime, bytes: Buffer.byteLength(text) };
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}
