import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../support/source-files';

const APP = fileURLToPath(new URL('../../src/app/', import.meta.url));

/** Reads of the machine's time, a console or the environment: what a use case gets through its ports instead. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bnew Date\(\s*\)/, 'new Date()'],
  [/\bDate\.now\b/, 'Date.now'],
  [/\bconsole\./, 'console'],
  [/\bprocess\.env\b/, 'process.env'],
];

/** The code of a file without its comments, so a comment may still say "Date.now". */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('use cases take their ports', () => {
  it('no use case in src/app reads the time, a console or the environment itself', () => {
    const found: string[] = [];
    for (const file of sourceFiles(APP)) {
      const name = relative(APP, file);
      const lines = code(readFileSync(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const [pattern, what] of FORBIDDEN) {
          if (!pattern.test(line)) continue;
          found.push(`src/app/${name}:${i + 1}: ${what}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
