import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeTextFile } from './write-text-file';
import { type ArtifactFile, type ArtifactStore, checkArtifactName } from './artifact-store';

/** Files in a local folder; `prefix` is a folder (absolute, or relative to the working directory). */
export function folderArtifactStore(): ArtifactStore {
  return {
    async put(prefix, files: readonly ArtifactFile[]) {
      const dir = resolve(prefix);
      await mkdir(dir, { recursive: true });
      const paths = files.map((file) => join(dir, checkArtifactName(file.name)));
      // All at once: while one file waits on the disk the next one's pieces are rendered. A body in pieces is
      // written as it is produced, never joined into one string.
      await Promise.all(
        files.map(async (file, i) => {
          await clearPlace(paths[i]!);
          const body = file.body;
          try {
            if (typeof body === 'string') await writeFile(paths[i]!, body, { encoding: 'utf8', flag: 'wx' });
            else await writeTextFile(paths[i]!, body);
          } catch (err) {
            // A renderer that threw part-way (or a full disk) must not leave a truncated file that reads as a
            // report; a path taken in between (EEXIST) is someone else's and stays.
            if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(paths[i]!, { force: true });
            throw err;
          }
        }),
      );
      return paths;
    },
    async copy(from, to, names) {
      const dir = resolve(to);
      await ownFolder(dir);
      const paths = names.map((name) => join(dir, checkArtifactName(name)));
      await Promise.all(
        names.map(async (name, i) => {
          await clearPlace(paths[i]!);
          await copyFile(join(resolve(from), checkArtifactName(name)), paths[i]!, constants.COPYFILE_EXCL);
        }),
      );
      return paths;
    },
    locate: (path) => pathToFileURL(path).href,
  };
}

/**
 * Removes what is at `path` (a previous report's file, or a symlink someone planted in `latest/`) so the write that
 * follows creates a new file exclusively: writing over an existing path would follow a symlink there and overwrite
 * whatever it names outside the folder. One planted again in between makes the exclusive create fail, not follow it.
 */
async function clearPlace(path: string): Promise<void> {
  await rm(path, { force: true });
}

/**
 * The folder `copy` fills (the report's `latest/`, the store's own, rewritten by every run) as a real folder: a
 * symlink planted in its place is removed, not followed, so the copies never land in whatever folder it names.
 */
async function ownFolder(dir: string): Promise<void> {
  const found = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (found?.isSymbolicLink()) await rm(dir);
  await mkdir(dir, { recursive: true });
}
