/**
 * CloudSim itself, run beside hyperaudit as whole processes, when a CloudSim 4.0 build is at hand. Nothing of
 * CloudSim is shipped or built by the project: build it once as below and point CLOUDSIM_CLASSPATH at it.
 *
 *   git clone https://github.com/Cloudslab/cloudsim && cd cloudsim && git checkout cloudsim-4.0
 *   apt-get install libcommons-math3-java          # its one dependency the PlanetLab examples use
 *   mkdir -p /tmp/cloudsim/classes /tmp/cloudsim/res/workload/planetlab
 *   ln -s <PlanetLab traces>/20110303 /tmp/cloudsim/res/workload/planetlab/20110303
 *   javac -nowarn -encoding UTF-8 -cp /usr/share/java/commons-math3.jar -d /tmp/cloudsim/classes \
 *     $(find modules -name '*.java' -not -path '*container*')   # the container packages need opencsv 3, unused here
 *   export CLOUDSIM_CLASSPATH=/tmp/cloudsim/classes:/tmp/cloudsim/res:/usr/share/java/commons-math3.jar
 *
 * CloudSim reads the day's files in directory order, so its energy differs a little from the byte-order figures
 * the tests pin (docs/simulation.md); the timing is what this compares.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessRun {
  wallMs: number;
  /** User + system CPU of the process and its threads (GNU time), when /usr/bin/time is there. */
  cpuMs?: number;
  /** The process's standard output; beyond 32 MiB only its last 64 KiB (CloudSim logs half a gigabyte a day). */
  stdout: string;
  ok: boolean;
  error?: string;
}

const GNU_TIME = '/usr/bin/time';
const WHOLE_BYTES = 32 * 1024 * 1024;
const TAIL_BYTES = 64 * 1024;

/** Why CloudSim cannot run here, or undefined when it can. */
export function cloudSimUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.CLOUDSIM_CLASSPATH)
    return 'CLOUDSIM_CLASSPATH is not set (bench/cloudsim-process.ts says how to build CloudSim)';
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return 'java is not on PATH';
  return undefined;
}

function tail(file: string): string {
  const size = statSync(file).size;
  if (size <= WHOLE_BYTES) return readFileSync(file, 'utf8');
  const length = Math.min(size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/**
 * One whole process, timed from spawn to exit (and its CPU through GNU time when installed). Its output goes to
 * a scratch file, kept whole up to 32 MiB, else its tail: CloudSim's consolidation examples log every host at
 * every step.
 */
export function timedProcess(command: string, args: readonly string[], timeoutMs = 30 * 60_000): ProcessRun {
  const dir = mkdtempSync(join(tmpdir(), 'hyperaudit-bench-'));
  const out = join(dir, 'stdout');
  const times = join(dir, 'time');
  const withTime = existsSync(GNU_TIME);
  const fd = openSync(out, 'w');
  try {
    const t0 = performance.now();
    const r = withTime
      ? spawnSync(GNU_TIME, ['-f', '%U %S', '-o', times, command, ...args], {
          stdio: ['ignore', fd, 'pipe'],
          encoding: 'utf8',
          timeout: timeoutMs,
        })
      : spawnSync(command, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: timeoutMs });
    const wallMs = performance.now() - t0;
    closeSync(fd);
    const ok = r.error === undefined && r.status === 0;
    const [user, system] =
      withTime && existsSync(times) ? readFileSync(times, 'utf8').trim().split(/\s+/).slice(-2) : [];
    const cpuMs = user !== undefined && system !== undefined ? (Number(user) + Number(system)) * 1000 : undefined;
    return {
      wallMs,
      ...(cpuMs !== undefined && Number.isFinite(cpuMs) && { cpuMs }),
      stdout: tail(out),
      ok,
      ...(!ok && { error: r.error?.message ?? `exit ${r.status}: ${(r.stderr ?? '').slice(-300)}` }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CloudSim PlanetLab example (`Dvfs`, `ThrMmt`, ...) on day 20110303, with the figures it printed. */
export function runCloudSimExample(
  example: string,
  env: NodeJS.ProcessEnv = process.env,
): ProcessRun & { energyKWh?: number; migrations?: number } {
  const run = timedProcess('java', [
    '-cp',
    env.CLOUDSIM_CLASSPATH ?? '',
    `org.cloudbus.cloudsim.examples.power.planetlab.${example}`,
  ]);
  const energy = /Energy consumption: ([\d.]+) kWh/.exec(run.stdout)?.[1];
  const migrations = /Number of VM migrations: (\d+)/.exec(run.stdout)?.[1];
  return {
    ...run,
    ...(energy !== undefined && { energyKWh: Number(energy) }),
    ...(migrations !== undefined && { migrations: Number(migrations) }),
  };
}
