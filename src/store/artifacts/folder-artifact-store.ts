import { copyFile, mkdir, writeFile } from 'node:fs/promises';
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
      const paths = files.map((file) => join(dir, checkArtifactName(file.name)));
      // All at once: while one file waits on the disk the next one's pieces are rendered. A body in pieces is
      // written as it is produced, never joined into one string.
      await Promise.all(
        files.map((file, i) =>
          writeFile(paths[i]!, typeof file.body === 'string' ? file.body : Readable.from(file.body), 'utf8'),
        ),
      );
      return paths;
    },
    async copy(from, to, names) {
      const dir = resolve(to);
      await mkdir(dir, { recursive: true });
      const paths = names.map((name) => join(dir, checkArtifactName(name)));
      await Promise.all(names.map((name, i) => copyFile(join(resolve(from), checkArtifactName(name)), paths[i]!)));
      return paths;
    },
    locate: (path) => pathToFileURL(path).href,
  };
}
