import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { UsageError } from './exit-codes';
import { DEFAULT_DATA_DIR } from './default-data-dir';

/** Marks a directory the demo created, so a later run may wipe it and nothing else. */
export const DEMO_MARKER = '.hyperaudit-demo';

export interface DemoDataDir {
  dir: string;
  /** Why the demo did not use the default `.hyperaudit/` (it holds data the demo did not create). */
  fallbackReason?: string;
}

/** Empty, absent, or a previous demo's (which is wiped): a directory the demo may write. */
function usableForDemo(dir: string): boolean {
  if (!existsSync(dir)) return true;
  const entries = readdirSync(dir);
  return entries.length === 0 || entries.includes(DEMO_MARKER);
}

function wipeAndCreate(dir: string): void {
  if (existsSync(dir)) for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * The demo leaves its fleet where the other commands look by default (`.hyperaudit/`), so `hyperaudit
 * inventory|audit|report|simulate` work right after it. Data it did not create is never wiped: a given
 * `--data-dir` holding such data is refused, and a default `.hyperaudit/` holding it makes the demo use a new
 * directory whose `--data-dir` it prints.
 */
export function prepareDataDir(requested: string | undefined, cwd = process.cwd()): DemoDataDir {
  if (requested !== undefined) {
    const dir = resolve(cwd, requested);
    if (!usableForDemo(dir))
      throw new UsageError(
        `--data-dir ${requested} is not empty and was not created by the demo; give an empty or new directory`,
      );
    wipeAndCreate(dir);
    return { dir };
  }
  const dir = resolve(cwd, DEFAULT_DATA_DIR);
  if (usableForDemo(dir)) {
    wipeAndCreate(dir);
    return { dir };
  }
  return {
    dir: mkdtempSync(join(tmpdir(), 'hyperaudit-demo-')),
    fallbackReason: `${DEFAULT_DATA_DIR} holds data the demo did not create, so it was left alone`,
  };
}

/** `--data-dir` to pass to the other commands: none for the default, else the shortest way to name it. */
export function dataDirFlag(dir: string, cwd = process.cwd()): string {
  if (dir === resolve(cwd, DEFAULT_DATA_DIR)) return '';
  const rel = relative(cwd, dir);
  return ` --data-dir ${rel !== '' && !rel.startsWith('..') ? rel : dir}`;
}
