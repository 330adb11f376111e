import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, folderPrefix, keyPrefix } from '../../src/store/artifacts/artifact-store';
import { folderArtifactStore } from '../../src/store/artifacts/folder-artifact-store';
import { memoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store';

const files = [
  { name: 'report.html', body: '<!doctype html>', contentType: contentTypeOf('report.html') },
  { name: 'findings.csv', body: 'a,b\n', contentType: contentTypeOf('findings.csv') },
];

describe('artifact stores', () => {
  it('writes rendered files into a folder and links them by file URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const store = folderArtifactStore();
    const written = await store.put(dir, files);
    expect(written).toEqual([join(dir, 'report.html'), join(dir, 'findings.csv')]);
    expect(readFileSync(join(dir, 'findings.csv'), 'utf8')).toBe('a,b\n');
    expect(store.locate(written[0]!)).toMatch(/^file:\/\/.*report\.html$/);
  });

  it('keeps files by prefix and name in memory, with their content types', async () => {
    const store = memoryArtifactStore();
    expect(await store.put('reports/r1/', files)).toEqual(['reports/r1/report.html', 'reports/r1/findings.csv']);
    expect(store.files.get('reports/r1/report.html')?.contentType).toBe('text/html; charset=utf-8');
    expect(store.files.get('reports/r1/findings.csv')?.contentType).toBe('text/csv; charset=utf-8');
  });

  it('copies written files to another folder, and refuses a copy by a name that is a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const store = folderArtifactStore();
    await store.put(join(dir, 'run'), files);
    const copied = await store.copy!(join(dir, 'run'), join(dir, 'latest'), ['report.html', 'findings.csv']);
    expect(copied).toEqual([join(dir, 'latest', 'report.html'), join(dir, 'latest', 'findings.csv')]);
    expect(readFileSync(join(dir, 'latest', 'findings.csv'), 'utf8')).toBe('a,b\n');
    await expect(store.copy!(join(dir, 'run'), join(dir, 'latest'), ['../run/report.html'])).rejects.toThrow(
      /not a plain file name/,
    );
  });

  it('replaces a symlink planted where a file goes instead of writing through it, by copy and by put', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'precious\n');
    const store = folderArtifactStore();
    await store.put(join(dir, 'run'), files);
    for (const latest of ['by-copy', 'by-put']) {
      mkdirSync(join(dir, latest));
      symlinkSync(outside, join(dir, latest, 'findings.csv'));
      if (latest === 'by-copy') await store.copy!(join(dir, 'run'), join(dir, latest), ['findings.csv']);
      else await store.put(join(dir, latest), files);
      expect(readFileSync(outside, 'utf8')).toBe('precious\n');
      expect(lstatSync(join(dir, latest, 'findings.csv')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(dir, latest, 'findings.csv'), 'utf8')).toBe('a,b\n');
    }
  });

  it('replaces a symlink planted in place of the folder it copies to, leaving the folder it names untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'findings.csv'), 'precious\n');
    const store = folderArtifactStore();
    await store.put(join(dir, 'run'), files);
    symlinkSync(elsewhere, join(dir, 'latest'));
    await store.copy!(join(dir, 'run'), join(dir, 'latest'), ['findings.csv']);
    expect(readFileSync(join(elsewhere, 'findings.csv'), 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, 'latest')).isDirectory()).toBe(true);
    expect(readFileSync(join(dir, 'latest', 'findings.csv'), 'utf8')).toBe('a,b\n');
  });

  it('leaves no truncated file behind when a body fails part-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    const store = folderArtifactStore();
    function* failing(): Generator<string> {
      yield 'x'.repeat(2 * 1024 * 1024);
      throw new Error('renderer failed');
    }
    await expect(
      store.put(dir, [{ name: 'report.json', body: failing(), contentType: contentTypeOf('report.json') }]),
    ).rejects.toThrow(/renderer failed/);
    expect(() => lstatSync(join(dir, 'report.json'))).toThrow(/ENOENT/);
  });

  it('refuses a file name that is a path, so no renderer writes outside its folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'artifacts-'));
    for (const name of ['../escape.html', 'a/b.html', '..', ''])
      await expect(folderArtifactStore().put(dir, [{ name, body: 'x', contentType: 'text/plain' }])).rejects.toThrow(
        /not a plain file name/,
      );
  });

  it('names a file in a key prefix with / whatever the platform, and in a folder with its path rules', () => {
    expect(keyPrefix('reports/2026-12-04T00-00-00-000Z-run/').file('report.html')).toBe(
      'reports/2026-12-04T00-00-00-000Z-run/report.html',
    );
    expect(keyPrefix('').file('report.html')).toBe('report.html');
    expect(() => keyPrefix('reports/latest')).toThrow(/must end in \//);
    const folder = folderPrefix('out/report');
    expect(folder.prefix).toBe(resolve('out/report'));
    expect(folder.file('report.html')).toBe(join(resolve('out/report'), 'report.html'));
    expect(() => folder.file('../escape.html')).toThrow(/not a plain file name/);
  });
});
