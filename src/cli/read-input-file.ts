import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { formatBytes } from '../sources/input-limits';
import { InputError } from './exit-codes';

/** A rules-params, waivers, scenario or what-if file is a few KiB; 16 MiB leaves room for a big fleet's scenario. */
export const MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads a file named on the command line, whole, as UTF-8. Only a regular file of at most `maxBytes` is read:
 * `/dev/zero` or a named pipe would otherwise hang the command or fill its memory. The pipe is opened without
 * blocking, so even opening it cannot wait for a writer. Every refusal names the file and exits 1.
 */
export function readInputFile(path: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${path}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${path}: cannot read ${what} (not a regular file)`);
    if (st.size > maxBytes) throw new InputError(`${path}: ${what} larger than ${formatBytes(maxBytes)}`);
    // Read until EOF, not to the size stat gave: a file still growing is refused past the limit, never cut short.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw new InputError(`${path}: ${what} larger than ${formatBytes(maxBytes)}`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${path}: cannot read ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  } finally {
    closeSync(fd);
  }
}
