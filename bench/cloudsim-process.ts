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

export interface ProcessRun {
  wallMs: number;
  stdout: string;
  ok: boolean;
  error?: string;
}

/** Why CloudSim cannot run here, or undefined when it can. */
export function cloudSimUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.CLOUDSIM_CLASSPATH)
    return 'CLOUDSIM_CLASSPATH is not set (bench/cloudsim-process.ts says how to build CloudSim)';
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) return 'java is not on PATH';
  return undefined;
}

/** One whole process, timed from spawn to exit; output kept for the figures it prints. */
export function timedProcess(command: string, args: readonly string[], timeoutMs = 15 * 60_000): ProcessRun {
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  const wallMs = performance.now() - t0;
  const ok = r.error === undefined && r.status === 0;
  return {
    wallMs,
    stdout: r.stdout ?? '',
    ok,
    ...(!ok && { error: r.error?.message ?? `exit ${r.status}: ${(r.stderr ?? '').slice(-300)}` }),
  };
}

/** A CloudSim PlanetLab example (`Dvfs`, `ThrMmt`, ...) on day 20110303, with the energy it printed. */
export function runCloudSimExample(
  example: string,
  env: NodeJS.ProcessEnv = process.env,
): ProcessRun & { energyKWh?: number } {
  const run = timedProcess('java', [
    '-cp',
    env.CLOUDSIM_CLASSPATH ?? '',
    `org.cloudbus.cloudsim.examples.power.planetlab.${example}`,
  ]);
  const energy = /Energy consumption: ([\d.]+) kWh/.exec(run.stdout)?.[1];
  return { ...run, ...(energy !== undefined && { energyKWh: Number(energy) }) };
}
