import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventsOf, ignoredOf, rejectedOf } from './helpers';

const ev = (id: string) => JSON.stringify({ id, time: '2024-01-01T00:00:00Z', type: 'vm.power_on', vm: { id } });

describe('readSources on directories with symbolic links', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-loops-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads each file once and reports a symlink loop as ignored', async () => {
    const root = join(dir, 'one');
    await mkdir(join(root, 'sub'), { recursive: true });
    await writeFile(join(root, 'a.json'), ev('a'));
    await writeFile(join(root, 'sub', 'b.json'), ev('b'));
    await symlink('..', join(root, 'sub', 'up'));
    const out = await collect([root]);
    expect(eventsOf(out).map((e) => e.id)).toEqual(['a', 'b']);
    expect(rejectedOf(out)).toEqual([]);
    expect(ignoredOf(out)).toEqual([
      expect.objectContaining({
        file: join(root, 'sub', 'up'),
        reason: `symlink loop: leads back to ${root}, already being read`,
      }),
    ]);
  }, 60_000);

  it('stays linear with two loops and reports both', async () => {
    const root = join(dir, 'two');
    await mkdir(join(root, 'x'), { recursive: true });
    await writeFile(join(root, 'x', 'c.json'), ev('c'));
    await symlink('..', join(root, 'x', 'loop1'));
    await symlink('..', join(root, 'x', 'loop2'));
    await symlink('.', join(root, 'self'));
    const out = await collect([root]);
    expect(eventsOf(out).map((e) => e.id)).toEqual(['c']);
    expect(ignoredOf(out).map((o) => o.file)).toEqual([
      join(root, 'self'),
      join(root, 'x', 'loop1'),
      join(root, 'x', 'loop2'),
    ]);
    expect(ignoredOf(out).every((o) => o.reason.startsWith('symlink loop: '))).toBe(true);
  }, 60_000);

  it('reads a file reached through two links once and names the first path as the one read', async () => {
    const root = join(dir, 'repeat');
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data', 'd.json'), ev('d'));
    await symlink('data', join(root, 'alias'));
    await symlink(join('data', 'd.json'), join(root, 'link.json'));
    const out = await collect([root]);
    expect(eventsOf(out).map((e) => e.id)).toEqual(['d']);
    expect(ignoredOf(out)).toEqual([
      expect.objectContaining({ file: join(root, 'data'), reason: `already read as ${join(root, 'alias')}` }),
      expect.objectContaining({
        file: join(root, 'link.json'),
        reason: `already read as ${join(root, 'alias', 'd.json')}`,
      }),
    ]);
  }, 60_000);

  it('reports a link that points at itself as ignored, not as an unreadable file', async () => {
    const root = join(dir, 'selfref');
    await mkdir(root, { recursive: true });
    await symlink('me.json', join(root, 'me.json'));
    const out = await collect([root]);
    expect(out).toEqual([
      expect.objectContaining({
        kind: 'ignored',
        file: join(root, 'me.json'),
        reason: 'symlink loop: the link resolves to itself (ELOOP)',
      }),
    ]);
  }, 60_000);
});
