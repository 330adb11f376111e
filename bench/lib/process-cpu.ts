import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';

/**
 * User plus system CPU another process (a dynalite child) has used so far, from Linux's /proc/<pid>/stat (fields 14
 * and 15, in clock ticks of 1/100 s); undefined where there is no /proc or no pid. The box is shared, so wall time
 * alone says little: the CPU seconds of both processes show what a step itself costs.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** This process's user plus system CPU so far, in milliseconds. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Milliseconds of garbage-collection pauses so far in this process, counted from the call on. */
export function gcPauseMeter(): () => number {
  let ms = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) ms += e.duration;
  }).observe({ entryTypes: ['gc'] });
  return () => ms;
}
