/**
 * `npx tsx bench/json-document.ts [vms] [layout] [rounds]` (default 20,000 VMs, sparse, 4 rounds): the CPU of
 * writing the unchanged audit's `--format json` document to a file (`writePieces(formatJsonParts(result), file)`, as
 * `hyperaudit audit --format json --out FILE` does), on bench/growth's fleet audited twice in memory (a MemoryStore:
 * the second audit is the unchanged one, as the CLI's is). Each round prints its user and system CPU, the page faults
 * it took (first-touched memory: about 10 µs of CPU each on the Firecracker VM the project is measured on), the
 * collector's pauses and the document's size; the file is written over each round and deleted at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/app/audit';
import { writeTextPieces } from '../src/cli/write-pieces';
import { loadRules } from '../src/engine/load-rules';
import { fixedClock } from '../src/model/ports/clock';
import { formatJsonParts } from '../src/report/formats/json';
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
    const ms = (micros: number) => (micros / 1000).toFixed(0);
    process.stdout.write(
      `round ${round + 1}: user ${ms(after.userCPUTime - before.userCPUTime)} ms, ` +
        `sys ${ms(after.systemCPUTime - before.systemCPUTime)} ms, ` +
        `${(after.minorPageFault - before.minorPageFault).toLocaleString('en-US')} page faults, ` +
        `gc pauses ${(gcPauses() - gcBefore).toFixed(0)} ms, ${bytes.toLocaleString('en-US')} bytes\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
