import { execFile } from 'node:child_process';

export interface VirshOptions {
  uri: string;
  /** Per-command limit; virsh over ssh can hang on a dead peer. */
  timeoutMs: number;
  /** Per-command output limit. */
  maxOutputBytes: number;
}

export class VirshError extends Error {
  override readonly name = 'VirshError';
}

/**
 * Runs one read-only virsh command (`virsh -r -c URI ...`) without a shell: arguments are passed as they are,
 * the output is bounded, the command is killed at the timeout, and the C locale keeps labels parseable.
 */
export function virsh(opts: VirshOptions, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'virsh',
      ['-r', '-q', '-c', opts.uri, ...args],
      {
        timeout: opts.timeoutMs,
        maxBuffer: opts.maxOutputBytes,
        killSignal: 'SIGKILL',
        env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number | null };
        const cmd = `virsh -c ${opts.uri} ${args.join(' ')}`;
        if (e.code === 'ENOENT')
          return reject(
            new VirshError('virsh not found: install libvirt-clients (Debian/Ubuntu) or libvirt-client (RHEL)'),
          );
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return reject(new VirshError(`${cmd}: output larger than ${opts.maxOutputBytes} bytes`));
        if (e.killed) return reject(new VirshError(`${cmd}: no answer within ${opts.timeoutMs} ms`));
        const detail = String(stderr).trim().split('\n').filter(Boolean).slice(-2).join('; ');
        reject(new VirshError(`${cmd} failed: ${detail || e.message}`));
      },
    );
  });
}
