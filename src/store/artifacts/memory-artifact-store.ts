import {
  type ArtifactFile,
  type ArtifactStore,
  artifactText,
  checkArtifactName,
  type TextArtifactFile,
} from './artifact-store';

/** Files kept in a map by `prefix + name`, for tests and dry runs. */
export function memoryArtifactStore(): ArtifactStore & { files: Map<string, TextArtifactFile> } {
  const files = new Map<string, TextArtifactFile>();
  return {
    files,
    async put(prefix, batch: readonly ArtifactFile[]) {
      return batch.map((file) => {
        const key = `${prefix}${checkArtifactName(file.name)}`;
        files.set(key, { ...file, body: artifactText(file) });
        return key;
      });
    },
    locate: (key) => `memory:${key}`,
  };
}
