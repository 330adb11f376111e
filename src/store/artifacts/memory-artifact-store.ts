import { type ArtifactFile, type ArtifactStore, checkArtifactName } from './artifact-store';

/** Files kept in a map by `prefix + name`, for tests and dry runs. */
export function memoryArtifactStore(): ArtifactStore & { files: Map<string, ArtifactFile> } {
  const files = new Map<string, ArtifactFile>();
  return {
    files,
    async put(prefix, batch: readonly ArtifactFile[]) {
      return batch.map((file) => {
        const key = `${prefix}${checkArtifactName(file.name)}`;
        files.set(key, { ...file });
        return key;
      });
    },
    locate: (key) => `memory:${key}`,
  };
}
