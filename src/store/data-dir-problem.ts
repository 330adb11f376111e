import { accessSync, constants, readdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The local store's folder cannot be used; the message says what is wrong with which path. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

/**
 * What stops the embedded store from using `dataDir` (its LevelDB folder is `levelDir`) before anything is
 * created there: a file where a folder should be, or no permission to write. Undefined when nothing is seen.
 * Synchronous (a few dozen stat/access calls, well under a millisecond): the store's process is spawned in the
 * same step, not after the command's modules have loaded and the event loop gets round to these answers.
 */
export function dataDirProblem(dataDir: string, levelDir: string): string | undefined {
  for (const dir of [dataDir, levelDir]) {
    let info: Stats;
    try {
      info = statSync(dir);
    } catch (err) {
      if (code(err) === 'ENOENT') continue;
      if (code(err) === 'ENOTDIR') return `${dir} is inside something that is not a directory`;
      if (code(err) === 'EACCES') return `permission denied: cannot reach ${dir}`;
      return `cannot use ${dir}: ${code(err) ?? (err as Error).message}`;
    }
    if (!info.isDirectory()) return `${dir} is not a directory`;
    try {
      accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (err) {
      return code(err) === 'EROFS'
        ? `${dir} is on a read-only file system`
        : `permission denied: hyperaudit cannot read and write ${dir}`;
    }
  }
  let names: string[] = [];
  try {
    names = readdirSync(levelDir);
  } catch {
    return undefined;
  }
  for (const name of names.sort()) {
    const file = join(levelDir, name);
    try {
      accessSync(file, constants.R_OK | constants.W_OK);
    } catch (err) {
      return code(err) === 'EROFS'
        ? `${file} is on a read-only file system`
        : `permission denied: hyperaudit cannot read and write ${file}`;
    }
  }
  return undefined;
}

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}
type LevelClass = new (location: string, options: { createIfMissing: boolean }) => LevelDb;

/**
 * Why LevelDB will not open `levelDir`, asked of the `level` package dynalite itself uses: held by another
 * process, corrupt files, or another I/O error. Undefined when it opens (whatever failed was something else).
 */
export async function levelOpenProblem(levelDir: string): Promise<string | undefined> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: LevelClass };
  const db = new Level(levelDir, { createIfMissing: false });
  try {
    await db.open();
    await db.close();
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED')
      return `${levelDir} is in use by another process (is another hyperaudit using it? use another --data-dir)`;
    if (cause?.code === 'LEVEL_CORRUPTION')
      return `the store's files in ${levelDir} are corrupt (${cause.message ?? 'LevelDB corruption'}); move the folder aside, or restore it from a backup`;
    return `cannot open the store in ${levelDir}: ${cause?.message ?? (err as Error).message}`;
  }
}
