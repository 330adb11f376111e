import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('../../src/app/', import.meta.url));

/** Reads of the machine's time, a console or the environment: what a use case gets through its ports instead. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bnew Date\(\s*\)/, 'new Date()'],
  [/\bDate\.now\b/, 'Date.now'],
  [/\bconsole\./, 'console'],
  [/\bprocess\.env\b/, 'process.env'],
];

/**
 * CLI steps that still default their `now` option to the system time (issue 12): each takes an explicit time from
 * its callers and tests, and turning the option into a required clock touches every audit, simulate, report and
 * notify test. This list only shrinks; a file not on it may not read the time at all.
 */
const STILL_DEFAULTING_NOW: Readonly<Record<string, string>> = {
  'audit.ts': 'runAudit opts.now',
  'report.ts': 'generateReport options.now',
  'notify.ts': 'runNotify options.now',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

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
          if (what === 'new Date()' && STILL_DEFAULTING_NOW[name] !== undefined) continue;
          found.push(`src/app/${name}:${i + 1}: ${what}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('the allowance for CLI steps names only files that still need it', () => {
    for (const name of Object.keys(STILL_DEFAULTING_NOW)) {
      const text = code(readFileSync(join(APP, name), 'utf8'));
      expect(/\bnew Date\(\s*\)/.test(text), `${name} no longer reads the time: remove it from the list`).toBe(true);
    }
  });
});
