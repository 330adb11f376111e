import { z } from 'zod';
import type { Fleet } from './fleet';

/** NAME_MAX on Linux, in bytes: a longer name cannot be a file in the traces folder anyway. */
export const TRACE_NAME_MAX_BYTES = 255;

/**
 * Why `name` cannot name a file directly inside the traces folder, or undefined when it can. A trace name
 * arrives in events from any source, so it is a plain file name or nothing: a path would let an event make the
 * simulation read any file the process can (`../../proc/self/environ`).
 */
export function traceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (Buffer.byteLength(name, 'utf8') > TRACE_NAME_MAX_BYTES) return `is longer than ${TRACE_NAME_MAX_BYTES} bytes`;
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator; give the file name only';
  if (name.includes('..')) return 'contains ".."';
  if (name.startsWith('.')) return 'starts with "." (hidden files are not traces)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a trace name with a control character is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a NUL or control character';
  return undefined;
}

export function isPlainTraceName(name: string): boolean {
  return traceNameProblem(name) === undefined;
}

/** Same rule as traceNameProblem, as a pattern so the published JSON Schema carries it. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the published pattern refuses control characters in trace names
const PLAIN_NAME = /^(?!\.)(?!.*\.\.)[^/\\\u0000-\u001f\u007f]+$/;

/** `workload.trace`: a plain file name inside the traces folder (see traceNameProblem). */
export const TraceName = z
  .string()
  .max(TRACE_NAME_MAX_BYTES)
  .regex(PLAIN_NAME, 'trace name must be a plain file name: no "/", "\\", "..", leading ".", NUL or control characters')
  .refine(
    (name) => Buffer.byteLength(name, 'utf8') <= TRACE_NAME_MAX_BYTES,
    `trace name is longer than ${TRACE_NAME_MAX_BYTES} bytes`,
  );

/** The trace names the fleet's VMs refer to (`workload.trace`), each once, sorted. */
export function workloadTraceNames(fleet: Fleet): string[] {
  const names = new Set<string>();
  for (const vm of fleet.vms.values()) if (vm.workload?.trace !== undefined) names.add(vm.workload.trace);
  return [...names].sort();
}
