/**
 * `npm run bench -- cli [rounds=3]`: the CLI as a user meets it, whole processes on the sample fleet. Builds
 * dist/ (what `npm install` runs), leaves the sample fleet in a fresh data directory with `demo`, then times
 * `--version`, `audit`, `simulate` and `report` against `node -e ''` (bare Node start-up) in the same run:
 * median wall time of `rounds` runs and its ratio to bare Node. Goals (issue 16): `--version` under
 * 3× bare Node; `audit`, `simulate`, `report` each under 2 s on the 2-core box. The machine is shared, so wall
 * time moves with load; the ratio to bare Node in the same run is the figure to compare between runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'hyperaudit.js');
const rounds = Math.max(1, Number(process.argv[2] ?? 3) || 3);

/** Wall time of one whole process, from spawn to exit. */
function timeOnce(args: string[], cwd: string): number {
  const [command, ...rest] = args;
  const started = performance.now();
  const r = spawnSync(command!, rest, {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(-400)}`);
  return wallMs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(args: string[], cwd: string): number {
  return median(Array.from({ length: rounds }, () => timeOnce(args, cwd)));
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
  process.stdout.write(`\nmedian of ${rounds} runs, whole processes (bare Node: ${bare.toFixed(0)} ms)\n`);
  process.stdout.write(`${'command'.padEnd(24)} ${'wall ms'.padStart(9)} ${'× node'.padStart(8)}  goal\n`);
  for (const [label, args, ratioGoal] of rows) {
    const ms = label === "node -e ''" ? bare : measure(args, work);
    const ratio = ms / bare;
    const goal =
      ratioGoal !== undefined
        ? `< ${ratioGoal}× node: ${ratio < ratioGoal ? 'met' : 'NOT met'}`
        : label.startsWith('hyperaudit')
          ? `< 2000 ms: ${ms < 2000 ? 'met' : 'NOT met'}`
          : 'baseline';
    process.stdout.write(
      `${label.padEnd(24)} ${ms.toFixed(0).padStart(9)} ${ratio.toFixed(1).padStart(7)}×  ${goal}\n`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
