import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { traceNameProblem } from '../model/trace-name';
import { SimulationInputError } from '../simulation/compile';

/** PlanetLab day traces are about 1 KB; anything far larger is not a trace and is not read into memory. */
export const TRACE_FILE_MAX_BYTES = 1024 * 1024;

/**
 * Reads the trace `name` from the folder `dir`, refusing anything that is not a regular file inside it:
 * names with path parts, symlinks (or a swapped folder) that resolve elsewhere, FIFOs and devices (which
 * would block or never end) and oversized files. Errors name the file and the reason, never its content.
 */
export async function readTraceInside(dir: string, name: string): Promise<string> {
  const problem = traceNameProblem(name);
  if (problem !== undefined)
    throw new SimulationInputError(`trace name refused (field vm.workload.trace): it ${problem}`);
  let root: string;
  try {
    root = await realpath(dir);
  } catch (err) {
    throw new SimulationInputError(`cannot read trace folder ${dir}: ${code(err)}`);
  }
  const shown = join(dir, name);
  let real: string;
  try {
    real = await realpath(join(root, name));
  } catch (err) {
    throw new SimulationInputError(`cannot read trace ${shown}: ${code(err)}`);
  }
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new SimulationInputError(
      `trace ${shown} resolves outside the traces folder ${dir} (a symlink out of it is not followed)`,
    );
  }
  // O_NOFOLLOW: a symlink swapped in after realpath is refused; O_NONBLOCK: opening a FIFO does not wait for a writer.
  let fh: FileHandle;
  try {
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw new SimulationInputError(`cannot read trace ${shown}: ${code(err)}`);
  }
  try {
    const info = await fh.stat();
    if (!info.isFile()) throw new SimulationInputError(`trace ${shown} is not a regular file`);
    if (info.size > TRACE_FILE_MAX_BYTES)
      throw new SimulationInputError(
        `trace ${shown} is ${info.size} bytes, more than the ${TRACE_FILE_MAX_BYTES} a trace can be`,
      );
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}
