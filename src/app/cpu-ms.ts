/**
 * Milliseconds of CPU (user and system, every thread of this process: garbage collection included) since `start`
 * (from `process.cpuUsage()`). The box an audit is measured on is shared, so a phase's wall time says as much about
 * the neighbours as about the phase; its CPU time does not.
 */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
