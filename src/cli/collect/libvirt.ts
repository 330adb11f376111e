import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { parseQemuConf } from '../../sources/libvirt/qemu-conf';
import { type LibvirtSnapshot, libvirtSnapshotEvents } from '../../sources/libvirt/snapshot-events';
import { rejected } from '../../sources/outcome';
import type { SourceOutcome } from '../../sources/types';
import { XmlInputError } from '../../sources/libvirt/xml';
import { collectLibvirtHost } from '../collectors/libvirt-collect';
import { collectProgress, storeCollected } from '../collectors/run-collector';
import { VirshError } from '../collectors/virsh';
import { InputError, UsageError } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, type StoreCliOptions } from '../store-options';

interface LibvirtCliOptions extends StoreCliOptions {
  connect: string;
  qemuConf?: string;
  host?: string;
  timeout: string;
  json?: boolean;
}

const MAX_QEMU_CONF_BYTES = 1024 * 1024;

export function registerCollector(collect: Command, run: CommandRunner): void {
  const cmd = collect
    .command('libvirt')
    .description(
      'Read a KVM host through libvirt (virsh, read-only): CPU topology, memory, every domain’s XML, and qemu.conf',
    )
    .requiredOption(
      '--connect <uri>',
      'libvirt URI: qemu:///system, qemu+ssh://user@host/system, test:///path/node.xml',
    )
    .option('--qemu-conf <path>', 'the host’s /etc/libvirt/qemu.conf (copied from it), for the qemu.conf rules')
    .option(
      '--host <name>',
      'host name that scopes ids and matches `# host:` in virsh event captures (default: virsh hostname)',
    )
    .option('--timeout <seconds>', 'limit per virsh command', '60')
    .option('--json', 'print counts as JSON');
  addStoreOptions(cmd).action((opts: LibvirtCliOptions) =>
    run(async () => {
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600)
        throw new UsageError('--timeout must be 1 to 3600 seconds');
      const confOutcomes: SourceOutcome[] = [];
      let qemuConf: Record<string, string | number> | undefined;
      if (opts.qemuConf !== undefined) {
        const parsed = readQemuConf(opts.qemuConf);
        qemuConf = parsed.settings;
        for (const e of parsed.errors)
          confOutcomes.push(rejected('libvirt', { file: opts.qemuConf, record: `line ${e.line}` }, e.reason));
      }
      const bar = collectProgress('reading domains', !opts.json);
      let snapshot: LibvirtSnapshot;
      try {
        snapshot = await collectLibvirtHost({
          uri: opts.connect,
          timeoutMs: timeout * 1000,
          maxOutputBytes: 16 * 1024 * 1024,
          ...(opts.host !== undefined && { host: opts.host }),
          ...(qemuConf && { qemuConf }),
          onDomain: bar.update,
        });
      } catch (err) {
        if (err instanceof VirshError || err instanceof XmlInputError) throw new InputError(err.message);
        throw err;
      } finally {
        bar.stop();
      }
      const outcomes = [...confOutcomes, ...libvirtSnapshotEvents(snapshot)];
      return storeCollected(opts, outcomes, {
        host: snapshot.host,
        domains: snapshot.domains.length,
        ...(qemuConf && { qemuConfSettings: Object.keys(qemuConf).length }),
      });
    }),
  );
}

function readQemuConf(path: string): ReturnType<typeof parseQemuConf> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`--qemu-conf ${path}: not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--qemu-conf ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (size > MAX_QEMU_CONF_BYTES)
    throw new InputError(`--qemu-conf ${path}: larger than ${MAX_QEMU_CONF_BYTES} bytes, not a qemu.conf`);
  return parseQemuConf(readFileSync(path, 'utf8'));
}
