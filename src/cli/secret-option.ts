import { open } from 'node:fs/promises';
import { UsageError } from './exit-codes';

/** A token or webhook URL is short; a larger file is the wrong file, and is not read into memory. */
const SECRET_FILE_MAX_BYTES = 16 * 1024;

export interface SecretSource {
  /** `--token`: the value given on the command line (visible to other users in `ps`). */
  flag: string;
  flagValue: string | undefined;
  /** `--token-file`. */
  fileFlag: string;
  file: string | undefined;
  /** `HYPERAUDIT_TOKEN`. */
  envName: string;
  warn?: (line: string) => void;
}

/**
 * A secret from a file, the environment or (discouraged) the command line, where any user of the machine can
 * read it with `ps`; using the flag prints a warning. Errors name the flag or file, never the secret.
 */
export async function readSecret(source: SecretSource): Promise<string | undefined> {
  if (source.flagValue !== undefined && source.file !== undefined)
    throw new UsageError(`give ${source.flag} or ${source.fileFlag}, not both`);
  if (source.flagValue !== undefined) {
    (source.warn ?? ((line) => process.stderr.write(line)))(
      `hyperaudit: warning: ${source.flag} on the command line is visible to other users (ps, /proc); use ${source.fileFlag} FILE or ${source.envName} instead\n`,
    );
    return source.flagValue;
  }
  if (source.file !== undefined) return readSecretFile(source.file, source.fileFlag);
  const fromEnv = process.env[source.envName];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

async function readSecretFile(file: string, fileFlag: string): Promise<string> {
  let text: string;
  try {
    const fh = await open(file, 'r');
    try {
      const info = await fh.stat();
      if (!info.isFile()) throw new UsageError(`${fileFlag} ${file}: not a regular file`);
      if (info.size > SECRET_FILE_MAX_BYTES)
        throw new UsageError(
          `${fileFlag} ${file}: ${info.size} bytes, more than a secret file holds (${SECRET_FILE_MAX_BYTES})`,
        );
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${fileFlag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // One trailing newline is what `echo secret > file` leaves; anything else inside the value is the user's.
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`${fileFlag} ${file}: the file is empty`);
  return value;
}
