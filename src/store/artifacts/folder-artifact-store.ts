import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { type ArtifactFile, type ArtifactStore, checkArtifactName } from './artifact-store';

/** Files in a local folder; `prefix` is a folder (absolute, or relative to the working directory). */
export function folderArtifactStore(): ArtifactStore {
  return {
    async put(prefix, files: readonly ArtifactFile[]) {
      const dir = resolve(prefix);
      await mkdir(dir, { recursive: true });
      const written: string[] = [];
      for (const file of files) {
        const path = join(dir, checkArtifactName(file.name));
        // A body in pieces is written as it is produced, never joined into one string.
        await writeFile(path, typeof file.body === 'string' ? file.body : Readable.from(file.body), 'utf8');
        written.push(path);
      }
      return written;
    },
    locate: (path) => pathToFileURL(path).href,
  };
}
