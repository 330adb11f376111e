import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTextFile } from '../../src/store/artifacts/write-text-file';

const place = () => join(mkdtempSync(join(tmpdir(), 'write-text-file-')), 'out.txt');

describe('writeTextFile', () => {
  it('writes the UTF-8 of the joined pieces, across many buffer fills and pieces too large for the buffer', async () => {
    const pieces: string[] = [];
    // 9 MB of two-, three- and four-byte characters in pieces of varied length: the buffer fills at many offsets.
    for (let i = 0; i < 20_000; i++)
      pieces.push(`{"n": ${i}, "name": "vm-${i} é 😀"},\n`, '日本語'.repeat(1 + (i % 97)));
    pieces.push('x'.repeat(1_500_000), '', 'ü'.repeat(400_000), 'tail\n');
    const path = place();
    await writeTextFile(path, pieces);
    expect(readFileSync(path).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
  });

  it('writes a surrogate pair split between two pieces as its one character, as the joined text has it', async () => {
    const emoji = '😀';
    const path = place();
    await writeTextFile(path, [`a${emoji[0]}`, `${emoji[1]}b`, 'c']);
    expect(readFileSync(path, 'utf8')).toBe(`a${emoji}bc`);
  });

  it('writes a lone first half of a pair at the end as the joined text is encoded (U+FFFD)', async () => {
    const path = place();
    await writeTextFile(path, ['end', '\ud83d']);
    expect(readFileSync(path).equals(Buffer.from('end\ud83d', 'utf8'))).toBe(true);
  });

  it('refuses a path where a file already is, and leaves that file as it was', async () => {
    const path = place();
    writeFileSync(path, 'precious\n');
    await expect(writeTextFile(path, ['other'])).rejects.toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
  });

  it('refuses a symlink planted at the path, even one naming nothing yet, and writes nothing where it points', async () => {
    const path = place();
    const target = join(mkdtempSync(join(tmpdir(), 'write-text-file-target-')), 'elsewhere.txt');
    symlinkSync(target, path);
    await expect(writeTextFile(path, ['planted'])).rejects.toThrow(/EEXIST/);
    expect(existsSync(target)).toBe(false);
  });
});
