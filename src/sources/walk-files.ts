import type { BigIntStats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compareText } from '../model/event-order';

export type WalkEntry =
  /** `named`: the path was given itself, not found by walking a directory (a named file is always read). */
  | { kind: 'file'; file: string; named: boolean }
  | { kind: 'error'; file: string; error: string }
  /** Not read, on purpose: a symlink loop or a second path to something already read. */
  | { kind: 'skipped'; file: string; reason: string };

/**
 * Identity of what a path resolves to. Device and inode, not the path, because symbolic links and hard links
 * give one file many paths; following them by path made a directory with two loops take exponential time.
 */
type Identity = string;

/** One walk over several roots: a file or directory reached twice, from any root, is read once. */
export class FileWalker {
  private readonly firstPath = new Map<Identity, string>();

  /** Files under `path`, depth first, names sorted by code unit so every run sees the same order. */
  async *walk(path: string): AsyncGenerator<WalkEntry> {
    yield* this.visit(path, new Map());
  }

  private async *visit(path: string, ancestors: Map<Identity, string>): AsyncGenerator<WalkEntry> {
    let info: BigIntStats;
    try {
      info = await stat(path, { bigint: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ELOOP')
        yield { kind: 'skipped', file: path, reason: 'symlink loop: the link resolves to itself (ELOOP)' };
      else yield { kind: 'error', file: path, error: `cannot read: ${code ?? (e as Error).message}` };
      return;
    }
    // Pipes too: `hyperaudit ingest <(govc events -json -l -f)` hands us /dev/fd/N.
    if (!info.isFile() && !info.isFIFO() && !info.isDirectory()) return;
    const id: Identity = `${info.dev}:${info.ino}`;
    const loopTo = ancestors.get(id);
    if (loopTo !== undefined) {
      yield { kind: 'skipped', file: path, reason: `symlink loop: leads back to ${loopTo}, already being read` };
      return;
    }
    const seenAs = this.firstPath.get(id);
    if (seenAs !== undefined) {
      yield { kind: 'skipped', file: path, reason: `already read as ${seenAs}` };
      return;
    }
    this.firstPath.set(id, path);
    if (!info.isDirectory()) {
      yield { kind: 'file', file: path, named: ancestors.size === 0 };
      return;
    }
    let names: string[];
    try {
      names = await readdir(path);
    } catch (e) {
      yield {
        kind: 'error',
        file: path,
        error: `cannot list directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      };
      return;
    }
    names.sort(compareText);
    const inside = new Map(ancestors).set(id, path);
    for (const name of names) {
      // Dot-files are editor and OS litter (.DS_Store, .swp) and Markdown files are notes next to exports
      // (README.md, SOURCES.md); neither is input. A file named explicitly is always read.
      if (name.startsWith('.') || name.toLowerCase().endsWith('.md')) continue;
      yield* this.visit(join(path, name), inside);
    }
  }
}
