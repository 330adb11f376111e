import { vi } from 'vitest';
import { main } from '../../src/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const text = (chunk: string | Uint8Array): string =>
  typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');

/** Runs `hyperaudit ...args` in-process and returns its exit code and everything it printed. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const run = { stdout: '', stderr: '' };
  // Writers that pass a callback (streams piping into stdout) wait for it, so it is still called.
  const capture =
    (stream: 'stdout' | 'stderr') =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      run[stream] += text(chunk);
      const done = rest.at(-1);
      if (typeof done === 'function') done();
      return true;
    };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture('stdout'));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture('stderr'));
  try {
    const code = await main(['node', 'hyperaudit', ...args]);
    return { code, ...run };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
