/**
 * `npm run bench -- growth [sizes...]`: how each command's cost grows with the fleet. Generates fleets of 1,000,
 * 10,000 and 100,000 VMs (20 VMs per host, 16-host clusters, apps spread over the whole fleet as DNS or
 * monitoring agents are) in each layout (`sparse`, `configured`: bench/lib/growth-fleet.ts), ingests each into its
 * own embedded store, and runs `ingest`, `audit` (twice: the second
 * on an unchanged fleet), `simulate` (default 10,000 Monte Carlo trials) and `report` as whole CLI processes.
 * Prints per command the wall time, CPU time and peak RSS of the CLI process, and the growth factor per 10× of
 * fleet: anything above 12× is superlinear and flagged. The baseline is the smallest fleet in the same run.
 * The unchanged audit, `simulate` and `report` run three times each (`--repeat N`; they change nothing a later run
 * reads) and count by their median run: the same work measures up to a third more CPU in this shared box's slow
 * stretches, and one run is one sample of that (a single `report` of the 100,000-VM sparse fleet measured 64.9–90.1 s
 * the same evening, 9.4–13.1× its 10,000-VM run). `ingest` and the first `audit` change the store: one run each.
 * Every run is printed, with the findings each audit says it wrote to the store: an unchanged audit that wrote any
 * fails the bench (exit 1), and the CPU of a fixed reference work run just before it (bench/lib/reference-work.ts): a
 * gauge of how fast the box was at that moment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { growthEvents, isLayout, LAYOUTS, type Layout, VMS_PER_HOST } from './lib/growth-fleet';
import { referenceWorkCpuS } from './lib/reference-work';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'hyperaudit.js');
const args = process.argv.slice(2);
const sizes = args
  .filter((_, i) => args[i - 1] !== '--keep' && args[i - 1] !== '--layout' && args[i - 1] !== '--repeat')
  .map(Number)
  .filter((n) => n > 0);
/**
 * `--only simulate` (names comma-separated) runs only those commands after the ingest every fleet needs, e.g.
 * `npm run bench -- growth 100000 --only simulate` to time one command at one size without the rest.
 */
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter((n) => n !== '')) : undefined;
/**
 * `--keep DIR` leaves each fleet's store in `DIR/<vms>` (`DIR/<vms>-configured` for the configured layout) instead
 * of removing it, so one command can be profiled
 * against it afterwards (`node --cpu-prof bin/hyperaudit.js simulate --data-dir DIR/100000/store …`). With the
 * commands' outputs beside each store (documents, reports) that is about 10 GB for both layouts up to 100,000 VMs;
 * a copy of a kept store to profile on needs only `dynalite*` and `simulation.json`.
 */
const keepAt = args.indexOf('--keep');
const KEEP = keepAt >= 0 ? args[keepAt + 1] : undefined;
if (keepAt >= 0 && (KEEP === undefined || KEEP.startsWith('--'))) throw new Error('--keep takes a folder');
const VM_COUNTS = sizes.length > 0 ? sizes : [1_000, 10_000, 100_000];
const repeatAt = args.indexOf('--repeat');
const REPEAT = repeatAt >= 0 ? Number(args[repeatAt + 1]) : 3;
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error('--repeat takes a whole number of runs, at least 1');
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/**
 * `--layout sparse,configured` (the default: both, one after the other): what hosts and VMs carry
 * (bench/lib/growth-fleet.ts). `sparse` is the worst case for unverified findings, `configured` what a vSphere
 * collector records; a figure of one is no figure of the other, so both are printed unless asked otherwise.
 */
const layoutAt = args.indexOf('--layout');
const layoutNames = layoutAt >= 0 ? (args[layoutAt + 1] ?? '').split(',').filter((n) => n !== '') : [...LAYOUTS];
if (layoutNames.length === 0 || !layoutNames.every(isLayout))
  throw new Error(`--layout takes layouts from: ${LAYOUTS.join(', ')}`);
const SELECTED_LAYOUTS: Layout[] = layoutNames.filter(isLayout);

interface Run {
  wallS: number;
  cpuS?: number;
  peakMiB?: number;
  /** An audit's findings written to the store, as its stderr says (`… current findings, N written to the store`). */
  written?: number;
  /** CPU s of the reference work (bench/lib/reference-work.ts) run just before: how fast the box was then. */
  referenceS?: number;
}

/** What `hyperaudit audit --out` prints of the findings it wrote (src/cli/commands/audit.ts). */
const WRITTEN = /\(\d+ current findings, (\d+) written to the store\)/;

function run(args: string[]): Run {
  // The command before may have left hundreds of MB of its output to write back (the audit's document alone is 280 MB
  // at 100,000 VMs): flushed now, so this command does not pay for that one's writes in its own.
  spawnSync('sync');
  const referenceS = referenceWorkCpuS();
  const reference = referenceS === undefined ? {} : { referenceS };
  const started = performance.now();
  const argv = GNU_TIME
    ? [GNU_TIME, '-f', '%U %S %M', process.execPath, cli, ...args]
    : [process.execPath, cli, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wallS = (performance.now() - started) / 1000;
  if (r.status !== 0 && r.status !== 3)
    throw new Error(`hyperaudit ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const said = WRITTEN.exec(r.stderr);
  const written = said === null ? {} : { written: Number(said[1]) };
  if (!GNU_TIME) return { wallS, ...written, ...reference };
  const last = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallS, cpuS: last[0]! + last[1]!, peakMiB: last[2]! / 1024, ...written, ...reference };
}

/** The run of median CPU (else wall) time of `runs`, an odd count: the middle one; an even count, the upper middle. */
function medianRun(runs: readonly Run[]): Run {
  const cost = (r: Run) => r.cpuS ?? r.wallS;
  return [...runs].sort((a, b) => cost(a) - cost(b))[Math.floor(runs.length / 2)]!;
}

/** `repeat`: the command runs this many times on the same store (it must change nothing a later run reads). */
const COMMANDS: { name: string; args: (dir: string, file: string) => string[]; repeat?: number }[] = [
  { name: 'ingest', args: (dir, file) => ['ingest', file, '--data-dir', dir] },
  { name: 'audit', args: (dir) => ['audit', '--data-dir', dir, '--format', 'json', '--out', join(dir, 'audit.json')] },
  {
    name: 'audit (unchanged)',
    args: (dir) => ['audit', '--data-dir', dir, '--format', 'json', '--out', join(dir, 'audit2.json')],
    repeat: REPEAT,
  },
  {
    name: 'simulate',
    // The default Monte Carlo, named so the figure cannot quietly lose it: 10,000 trials, fleet-wide apps.
    args: (dir) => [
      'simulate',
      '--data-dir',
      dir,
      '--trials',
      '10000',
      '--format',
      'json',
      '--out',
      join(dir, 'simulation.json'),
    ],
    // Each run stores the same availability figures: what the report after it reads is the same.
    repeat: REPEAT,
  },
  { name: 'report', args: (dir) => ['report', '--data-dir', dir, '--out', join(dir, 'report')], repeat: REPEAT },
];

if (ONLY) {
  const unknown = [...ONLY].filter((n) => !COMMANDS.some((c) => c.name === n));
  if (unknown.length > 0 || ONLY.size === 0)
    throw new Error(`--only takes command names from: ${COMMANDS.map((c) => c.name).join(', ')}`);
}
/** Ingest always runs: the other commands read the store it fills. */
const selected = COMMANDS.filter((c) => !ONLY || c.name === 'ingest' || ONLY.has(c.name));

let superlinear = false;
let rewrote = false;
for (const layout of SELECTED_LAYOUTS) {
  const results = new Map<string, Run[]>();
  for (const vms of VM_COUNTS) {
    // The sparse fleets keep the folders earlier rounds used (`DIR/<vms>`), e.g. /work/fleets/100000.
    const name = layout === 'sparse' ? String(vms) : `${vms}-${layout}`;
    const dir =
      KEEP !== undefined ? join(KEEP, name) : mkdtempSync(join(tmpdir(), `hyperaudit-growth-${vms}-${layout}-`));
    if (KEEP !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    try {
      const file = join(dir, 'fleet.ndjson');
      writeFileSync(
        file,
        `${growthEvents(vms, layout)
          .map((e) => JSON.stringify(e))
          .join('\n')}\n`,
      );
      const store = join(dir, 'store');
      process.stdout.write(
        `${vms.toLocaleString('en-US')} VMs on ${Math.ceil(vms / VMS_PER_HOST).toLocaleString('en-US')} hosts, ${layout} layout:\n`,
      );
      for (const c of selected) {
        const runs = Array.from({ length: c.repeat ?? 1 }, () => run(c.args(store, file)));
        const r = medianRun(runs);
        results.set(c.name, [...(results.get(c.name) ?? []), r]);
        const cpu = r.cpuS !== undefined ? `, cpu ${r.cpuS.toFixed(1)} s, peak ${r.peakMiB!.toFixed(0)} MiB` : '';
        const each =
          runs.length > 1
            ? ` (median of ${runs.length} runs: ${runs.map((x) => (x.cpuS ?? x.wallS).toFixed(1)).join(', ')} s ${r.cpuS !== undefined ? 'cpu' : 'wall'})`
            : '';
        const box = runs.some((x) => x.referenceS !== undefined)
          ? `; reference work before ${runs.map((x) => x.referenceS?.toFixed(2) ?? '?').join(', ')} s`
          : '';
        const writes = runs.some((x) => x.written !== undefined)
          ? `; findings written: ${runs.map((x) => x.written ?? '?').join(', ')}`
          : '';
        process.stdout.write(`  ${c.name.padEnd(18)} wall ${r.wallS.toFixed(1)} s${cpu}${each}${writes}${box}\n`);
        // Issue 19: an audit of an unchanged fleet writes no finding. One that does is a defect, not a figure.
        if (c.name === 'audit (unchanged)' && runs.some((x) => x.written !== 0)) {
          process.stdout.write('  ^ the unchanged audit wrote findings (or did not say): not an unchanged run\n');
          rewrote = true;
        }
      }
    } finally {
      if (KEEP === undefined) rmSync(dir, { recursive: true, force: true });
    }
  }
  printGrowth(layout, results);
}

function printGrowth(layout: Layout, results: Map<string, Run[]>): void {
  process.stdout.write(
    `\ngrowth per 10× of fleet, ${layout} layout (baseline: the ${VM_COUNTS[0]!.toLocaleString('en-US')}-VM fleet; goal ≤ 12×; CPU when measured, else wall; then peak RSS):\n`,
  );
  for (const [name, runs] of results) {
    const factors: string[] = [];
    for (let i = 1; i < runs.length; i++) {
      const per10 = Math.log10(VM_COUNTS[i]! / VM_COUNTS[i - 1]!);
      const cost = (r: Run) => r.cpuS ?? r.wallS;
      const f = (cost(runs[i]!) / cost(runs[i - 1]!)) ** (1 / per10);
      if (f > 12) superlinear = true;
      const before = runs[i - 1]!.peakMiB;
      const after = runs[i]!.peakMiB;
      const memory =
        before !== undefined && after !== undefined
          ? `, peak memory ${((after / before) ** (1 / per10)).toFixed(1)}×`
          : '';
      factors.push(`${f.toFixed(1)}×${f > 12 ? ' (over 12×)' : ''}${memory}`);
    }
    process.stdout.write(`  ${name.padEnd(18)} ${factors.join(', ')}\n`);
  }
  process.stdout.write('\n');
}
if (!GNU_TIME) process.stdout.write('(no /usr/bin/time here: wall time only, no CPU or memory figures)\n');
if (superlinear || rewrote) process.exitCode = 1;
