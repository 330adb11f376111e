import type { S3Client } from '@aws-sdk/client-s3';
import { putText } from '../s3-json';
import { type ArtifactFile, type ArtifactStore, artifactText, checkArtifactName } from './artifact-store';

/** Private bucket: the link opens the object in the S3 console for someone signed in to the account. */
function consoleUrl(bucket: string, key: string): string {
  return `https://console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?prefix=${encodeURIComponent(key)}`;
}

/** Objects in one bucket; `prefix` is a key prefix ending in `/`. */
export function s3ArtifactStore(s3: S3Client, bucket: string): ArtifactStore {
  return {
    async put(prefix, files: readonly ArtifactFile[]) {
      const keys: string[] = [];
      for (const file of files) {
        const key = `${prefix}${checkArtifactName(file.name)}`;
        await putText(s3, bucket, key, artifactText(file), file.contentType);
        keys.push(key);
      }
      return keys;
    },
    locate: (key) => consoleUrl(bucket, key),
  };
}
