/**
 * Memory of ingesting hostile input (issue 11): each case runs in its own process (peak RSS does not come down
 * within one) and reads its file through readSources → ingestOutcomes with the default limits, into a store
 * that discards events (the store's memory is not what is measured). Prints peak RSS per case and, as the
 * baseline in the same run, the peak RSS of a clean NDJSON file of valid events. Goal: every case < 512 MiB.
 * Run: npx tsx bench/ingest-hostile.ts [MiB per big input = 1024] [only cases whose name contains this]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, createDeflateRaw } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { FleetEvent } from '../src/model/event';
import { ingestOutcomes } from '../src/app/ingest';
import { readSources } from '../src/sources/read-sources';
import { MemoryStore } from '../src/store/memory-store';
import type { PutEventsResult } from '../src/store/types';
import { generateHistory } from '../test/reliability/history';
import { buildZip } from '../test/support/zip-builder';

const GOAL_MIB = 512;

class DiscardingStore extends MemoryStore {
  override async putEvents(events: readonly FleetEvent[]): Promise<PutEventsResult> {
    return { written: events.length, duplicates: 0, subjects: [] };
  }
}

/**
 * The kernel's high-water mark of this address space (VmHWM). Not `resourceUsage().maxRSS`: Linux carries
 * ru_maxrss across fork+exec, so a child would report its parent's peak (600 MiB after writing the big xlsx).
 */
function peakRssMiB(): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

if (process.argv[2] === '--case') {
  // Child: ingest one file and report.
  const file = process.argv[3]!;
  const started = performance.now();
  const report = await ingestOutcomes(new DiscardingStore(), readSources([file]));
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = peakRssMiB();
  const firstReason = report.rejected[0]?.reason.slice(0, 110);
  process.stdout.write(
    JSON.stringify({
      peakMiB,
      seconds,
      accepted: report.accepted,
      rejected: report.rejectedCount,
      listed: report.rejected.length,
      firstReason,
    }),
  );
  process.exit(0);
}

const bigMiB = Number(process.argv[2] ?? 1024);
const bigBytes = bigMiB * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-bench-hostile-'));
const self = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;
const line = (id: string) => JSON.stringify({ id, time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id } });

async function writeRepeated(file: string, head: string, unit: Buffer, bytes: number, tail: string): Promise<void> {
  const out = createWriteStream(file);
  out.write(head);
  const block = Buffer.concat(Array.from({ length: Math.max(1, Math.floor(MiB / unit.length)) }, () => unit));
  for (let written = 0; written < bytes; written += block.length) if (!out.write(block)) await once(out, 'drain');
  out.end(tail);
  await once(out, 'finish');
}

/** One deflated entry of `bytes` zeros, built by streaming (the bench process must not hold it either). */
async function zipBomb(file: string, bytes: number): Promise<void> {
  const deflate = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const zeros = Buffer.alloc(MiB);
  let crc = 0;
  for (let n = 0; n < bytes; n += MiB) {
    crc = crc32(zeros, crc);
    if (!deflate.write(zeros)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  writeFileSync(
    file,
    buildZip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: Buffer.alloc(0),
        compressed: Buffer.concat(parts),
        crc,
        declaredSize: bytes,
      },
    ]),
  );
}

async function bigXlsx(file: string, rows: number): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
  const ws = writer.addWorksheet('vInfo');
  ws.addRow(['VM', 'Powerstate', 'VM ID']).commit();
  for (let i = 1; i <= rows; i++) ws.addRow([`vm-${i % 1000}`, 'poweredOn', i]).commit();
  ws.commit();
  await writer.commit();
}

interface CaseResult {
  peakMiB: number;
  seconds: number;
  accepted: number;
  rejected: number;
  listed: number;
  firstReason?: string;
}

function run(file: string): CaseResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--case', file], {
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
  });
  if (r.status !== 0) throw new Error(`case ${file} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as CaseResult;
}

const cases: { name: string; make: (file: string) => Promise<void>; ext: string }[] = [
  {
    name: 'clean NDJSON, 100,000 valid events (baseline)',
    ext: 'ndjson',
    make: async (f) =>
      writeFileSync(
        f,
        `${generateHistory({ events: 100_000, seed: 3, hosts: 100, vms: 2000 })
          .map((e) => JSON.stringify(e))
          .join('\n')}\n`,
      ),
  },
  {
    name: `${bigMiB} MiB of garbage lines`,
    ext: 'ndjson',
    make: (f) =>
      writeRepeated(
        f,
        `${line('before')}\n`,
        Buffer.from(`${'garbage, not json '.repeat(5)}\n`),
        bigBytes,
        `${line('after')}\n`,
      ),
  },
  {
    name: `one ${bigMiB} MiB line between two valid lines`,
    ext: 'ndjson',
    make: (f) =>
      writeRepeated(f, `${line('before')}\n`, Buffer.from('x'.repeat(4096)), bigBytes, `\n${line('after')}\n`),
  },
  {
    name: `${bigMiB} MiB .json file (not NDJSON) of garbage`,
    ext: 'json',
    make: (f) => writeRepeated(f, '[', Buffer.from('{"a":[1,2,3]},'), bigBytes, '{}]'),
  },
  {
    name: '8 MiB JSON document of empty objects (whole-document limit)',
    ext: 'json',
    make: async (f) => writeFileSync(f, `[${'{},'.repeat(Math.floor((8 * MiB - 8) / 3))}{}]`),
  },
  { name: 'zip bomb: 1.5 GiB of zeros as one sheet', ext: 'xlsx', make: (f) => zipBomb(f, 1536 * MiB) },
  { name: 'xlsx with 4,000,000 rows', ext: 'xlsx', make: (f) => bigXlsx(f, 4_000_000) },
];

console.log(
  `bench/ingest-hostile: readSources → ingestOutcomes, default limits, one process per case; goal < ${GOAL_MIB} MiB peak RSS`,
);
let baseline: number | undefined;
let failed = false;
const only = process.argv[3];
for (const c of cases.filter((c, i) => i === 0 || only === undefined || c.name.includes(only))) {
  const file = join(dir, `input.${c.ext}`);
  await c.make(file);
  const size = statSync(file).size;
  const r = run(file);
  if (process.env.HYPERAUDIT_BENCH_KEEP) console.log(file);
  if (!process.env.HYPERAUDIT_BENCH_KEEP) rmSync(file, { force: true });
  baseline ??= r.peakMiB;
  const ok = r.peakMiB < GOAL_MIB;
  if (!ok) failed = true;
  console.log(
    `  ${c.name} (${(size / MiB).toFixed(1)} MiB file): peak RSS ${r.peakMiB.toFixed(0)} MiB (${(r.peakMiB / baseline).toFixed(2)}× baseline) ${ok ? 'ok' : 'OVER GOAL'}, ` +
      `${r.seconds.toFixed(1)} s, ${r.accepted} accepted, ${r.rejected} rejected (${r.listed} listed)${r.firstReason ? `; first: ${r.firstReason}` : ''}`,
  );
}
if (!process.env.HYPERAUDIT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
if (failed) process.exitCode = 1;
