/**
 * `npm run bench -- cli [rounds=3]`: the CLI as a user meets it, whole processes on the sample fleet. Builds
 * dist/ (what `npm install` runs), leaves the sample fleet in a fresh data directory with `demo`, then times
 * `--version`, `audit`, `simulate` and `report` against `node -e ''` (bare Node start-up) in the same run:
 * median wall time of `rounds` runs and its ratio to bare Node. Goals (issue 16): `--version` under
 * 3× bare Node; `audit`, `simulate`, `report` each under 2 s on the 2-core box. The machine is shared, so wall
 * time moves with load; the ratio to bare Node in the same run is the figure to compare between runs, and the CPU
 * time of each command (its own and the embedded store's process, from /proc on Linux) moves least.
 * `audit`, `simulate` and `report` keep V8's code cache in the run's scratch folder (src/cli/code-cache.ts):
 * each one's first round writes it, as a user's first run after an install does, and the median of 3 or more
 * rounds is a run with it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'hyperaudit.js');
const rounds = Math.max(1, Number(process.argv[2] ?? 3) || 3);

/**
 * CPU seconds of the waited-for children of this process (Linux /proc: cutime + cstime, in clock ticks of 10 ms),
 * so a command's figure includes the embedded store's process. Undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall time and CPU time (with its children) of one whole process, from spawn to exit. */
function timeOnce(args: string[], cwd: string): { wallMs: number; cpuMs: number | undefined } {
  const [command, ...rest] = args;
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const r = spawnSync(command!, rest, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', HYPERAUDIT_CACHE_DIR: join(cwd, 'code-cache') },
  });
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(-400)}`);
  return { wallMs, cpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall and median CPU of `rounds` runs: on a shared machine wall time moves with load, CPU time less. */
function measure(args: string[], cwd: string): { wallMs: number; cpuMs: number | undefined } {
  const runs = Array.from({ length: rounds }, () => timeOnce(args, cwd));
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: cpu.length === runs.length ? median(cpu) : undefined };
}

execFileSync(process.execPath, [join(root, 'scripts', 'build-dist.mjs')], { cwd: root, stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'hyperaudit-bench-cli-'));
try {
  const dataDir = join(work, 'data');
  process.stdout.write('setting up: demo leaves the sample fleet (74 hosts, 968 VMs) in a fresh data directory …\n');
  execFileSync(process.execPath, [cli, 'demo', '--data-dir', dataDir], { cwd: work, stdio: 'ignore' });

  const node = process.execPath;
  const bare = measure([node, '-e', ''], work);
  const rows: [string, string[], number | undefined][] = [
    ["node -e ''", [node, '-e', ''], undefined],
    ['hyperaudit --version', [node, cli, '--version'], 3],
    [
      'hyperaudit audit',
      [node, cli, 'audit', '--data-dir', dataDir, '--format', 'json', '--out', join(work, 'a.json')],
      undefined,
    ],
    [
      'hyperaudit simulate',
      [
        node,
        cli,
        'simulate',
        '--data-dir',
        dataDir,
        '--traces',
        join(root, 'samples', 'traces'),
        '--format',
        'json',
        '--out',
        join(work, 's.json'),
      ],
      undefined,
    ],
    ['hyperaudit report', [node, cli, 'report', '--data-dir', dataDir, '--out', join(work, 'report')], undefined],
  ];
  process.stdout.write(`\nmedian of ${rounds} runs, whole processes (bare Node: ${bare.wallMs.toFixed(0)} ms)\n`);
  process.stdout.write(
    `${'command'.padEnd(24)} ${'wall ms'.padStart(9)} ${'× node'.padStart(8)} ${'CPU ms'.padStart(8)}  goal\n`,
  );
  for (const [label, args, ratioGoal] of rows) {
    const measured = label === "node -e ''" ? bare : measure(args, work);
    const ms = measured.wallMs;
    const ratio = ms / bare.wallMs;
    const cpu = measured.cpuMs === undefined ? '-' : measured.cpuMs.toFixed(0);
    const goal =
      ratioGoal !== undefined
        ? `< ${ratioGoal}× node: ${ratio < ratioGoal ? 'met' : 'NOT met'}`
        : label.startsWith('hyperaudit')
          ? `< 2000 ms: ${ms < 2000 ? 'met' : 'NOT met'}`
          : 'baseline';
    process.stdout.write(
      `${label.padEnd(24)} ${ms.toFixed(0).padStart(9)} ${ratio.toFixed(1).padStart(7)}× ${cpu.padStart(8)}  ${goal}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
