import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { virsh, VirshError } from '../../src/cli/collectors/virsh';

/** A stand-in `virsh` first on PATH: it hangs, floods its output, or echoes its arguments, per its first word. */
describe('the virsh runner', () => {
  let dir: string;
  const savedPath = process.env.PATH;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hyperaudit-virsh-'));
    const script = `#!/bin/sh
case "$5" in
  hang) exec sleep 30 ;;
  flood) exec head -c 200000 /dev/zero ;;
  *) printf '%s\\n' "$@" ;;
esac
`;
    await writeFile(join(dir, 'virsh'), script);
    await chmod(join(dir, 'virsh'), 0o755);
    process.env.PATH = `${dir}:${savedPath ?? ''}`;
  });
  afterAll(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });
  // Generous where the command is expected to finish (a loaded CI machine), short only where it must be killed.
  const opts = { uri: 'qemu:///system; touch /tmp/pwned', timeoutMs: 20_000, maxOutputBytes: 10_000 };

  it('passes the URI and arguments as they are, read-only, with no shell to interpret them', async () => {
    const out = await virsh(opts, ['dumpxml', "web01'; rm -rf /"]);
    expect(out.split('\n').filter(Boolean)).toEqual([
      '-r',
      '-q',
      '-c',
      'qemu:///system; touch /tmp/pwned',
      'dumpxml',
      "web01'; rm -rf /",
    ]);
  });

  it('kills a command that does not answer within the timeout', async () => {
    await expect(virsh({ ...opts, timeoutMs: 500 }, ['hang'])).rejects.toThrow(
      new VirshError('virsh -c qemu:///system; touch /tmp/pwned hang: no answer within 500 ms'),
    );
  }, 30_000);

  it('stops reading output beyond the limit', async () => {
    await expect(virsh(opts, ['flood'])).rejects.toThrow(/output larger than 10000 bytes/);
  }, 30_000);
});
