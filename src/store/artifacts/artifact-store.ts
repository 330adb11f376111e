import { extname, join, resolve } from 'node:path';

/** One rendered output file, as data: renderers return these and never touch a file system or a bucket. */
export interface ArtifactFile {
  /** A plain file name (`report.html`), never a path. */
  name: string;
  /** The text, or its pieces in order for a file too large to hold as one string (findings.csv of a large fleet). */
  body: string | Iterable<string>;
  contentType: string;
}

/** An artifact with its text joined, for stores that send one body (S3, memory). */
export interface TextArtifactFile extends ArtifactFile {
  body: string;
}

export function artifactText(file: ArtifactFile): string {
  return typeof file.body === 'string' ? file.body : [...file.body].join('');
}

/** Where rendered files go: a local folder (the CLI), S3 (the deployed workflow) or memory (tests). */
export interface ArtifactStore {
  /** Writes the files under `prefix` (a folder or key prefix ending in `/`, or '' for the root); returns where each went. */
  put(prefix: string, files: readonly ArtifactFile[]): Promise<string[]>;
  /**
   * Copies files `put` wrote under `from` to `to`, where a copy costs less than writing them again (a folder's
   * files: the report's `latest` copy would otherwise render every file a second time). Optional: without it
   * the files are put again.
   */
  copy?(from: string, to: string, names: readonly string[]): Promise<string[]>;
  /** Where a person finds a stored file (a file:// URL, an S3 console link). */
  locate(location: string): string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.sarif': 'application/sarif+json',
  '.xml': 'application/xml',
};

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Refuses anything but a plain file name, so a renderer can never write outside the place it is given. */
export function checkArtifactName(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
    throw new Error(`artifact name ${JSON.stringify(name)} is not a plain file name`);
  return name;
}

/**
 * Where one set of files goes in an artifact store: the prefix `put` takes, and the location of a named file
 * inside it (what `locate` and the recorded report link take). A local folder and a key prefix name files
 * differently, and path rules must never touch an S3 key, so each kind builds its own.
 */
export interface ArtifactPrefix {
  readonly prefix: string;
  file(name: string): string;
}

/** A local folder, made absolute against the working directory (the CLI's `--out`). */
export function folderPrefix(dir: string): ArtifactPrefix {
  const prefix = resolve(dir);
  return { prefix, file: (name) => join(prefix, checkArtifactName(name)) };
}

/** An S3 or memory key prefix (`reports/<time>-<run>/`, or '' for the root): names are appended as they are. */
export function keyPrefix(prefix: string): ArtifactPrefix {
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new Error(`artifact key prefix ${JSON.stringify(prefix)} must end in /`);
  return { prefix, file: (name) => `${prefix}${checkArtifactName(name)}` };
}
