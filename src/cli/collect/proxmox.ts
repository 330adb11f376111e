import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { type ProxmoxSnapshot, proxmoxSnapshotEvents } from '../../sources/proxmox/snapshot-events';
import { ProxmoxApiError, checkToken } from '../collectors/proxmox-api';
import { collectProxmox } from '../collectors/proxmox-collect';
import { collectProgress, storeCollected } from '../collectors/run-collector';
import { InputError, UsageError } from '../exit-codes';
import type { CommandRunner } from '../main';
import { addStoreOptions, type StoreCliOptions } from '../store-options';

interface ProxmoxCliOptions extends StoreCliOptions {
  url: string;
  tokenId?: string;
  tokenSecretFile?: string;
  caFile?: string;
  insecure?: boolean;
  timeout: string;
  json?: boolean;
}

const SECRET_ENV = 'PROXMOX_TOKEN_SECRET';
const TOKEN_ID_ENV = 'PROXMOX_TOKEN_ID';

export function registerCollector(collect: Command, run: CommandRunner): void {
  const cmd = collect
    .command('proxmox')
    .description(
      'Read a Proxmox VE cluster through its API (read-only token): nodes’ CPU topology and versions, guests’ configs',
    )
    .requiredOption('--url <url>', 'API address, e.g. https://pve1.example.net:8006')
    .option('--token-id <id>', `API token id user@realm!name (or ${TOKEN_ID_ENV}); the PVEAuditor role is enough`)
    .option('--token-secret-file <file>', `file holding the token secret (or the ${SECRET_ENV} environment variable)`)
    .option('--ca-file <file>', 'PEM CA to trust for the API certificate (a cluster’s /etc/pve/pve-root-ca.pem)')
    .option('--insecure', 'do not verify the API certificate (lab use only)')
    .option('--timeout <seconds>', 'limit per API request', '30')
    .option('--json', 'print counts as JSON');
  addStoreOptions(cmd).action((opts: ProxmoxCliOptions) =>
    run(async () => {
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600)
        throw new UsageError('--timeout must be 1 to 600 seconds');
      const tokenId = opts.tokenId ?? process.env[TOKEN_ID_ENV];
      if (tokenId === undefined) throw new UsageError(`--token-id (or ${TOKEN_ID_ENV}) is required`);
      const secret = readSecret(opts.tokenSecretFile);
      const bad = checkToken(tokenId, secret);
      if (bad) throw new UsageError(bad);
      if (opts.caFile !== undefined && opts.insecure)
        throw new UsageError('--ca-file and --insecure contradict each other');
      let url: URL;
      try {
        url = new URL(opts.url);
      } catch {
        throw new UsageError(`--url ${JSON.stringify(opts.url)} is not a URL (e.g. https://pve1:8006)`);
      }
      const bar = collectProgress('reading nodes and guests', !opts.json);
      let snapshot: ProxmoxSnapshot;
      try {
        snapshot = await collectProxmox({
          baseUrl: url.href,
          tokenId,
          tokenSecret: secret,
          ...(opts.caFile !== undefined && { ca: readSmallFile(opts.caFile, '--ca-file') }),
          ...(opts.insecure && { insecure: true }),
          timeoutMs: timeout * 1000,
          maxBodyBytes: 64 * 1024 * 1024,
          onProgress: bar.update,
        });
      } catch (err) {
        if (err instanceof ProxmoxApiError) throw new InputError(err.message);
        throw err;
      } finally {
        bar.stop();
      }
      return storeCollected(opts, proxmoxSnapshotEvents(snapshot), {
        cluster: snapshot.cluster,
        nodes: snapshot.nodes.length,
        guests: snapshot.guests.length,
        failures: snapshot.failures.length,
      });
    }),
  );
}

/** The secret never comes from a flag (it would sit in shell history and `ps`): a file, or the environment. */
function readSecret(file: string | undefined): string {
  if (file !== undefined) return readSmallFile(file, '--token-secret-file').toString('utf8').trim();
  const env = process.env[SECRET_ENV];
  if (env === undefined || env.trim() === '')
    throw new UsageError(`--token-secret-file (or ${SECRET_ENV}) is required`);
  return env.trim();
}

function readSmallFile(path: string, flag: string): Buffer {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`${flag} ${path}: not a regular file`);
    if (st.size > 1024 * 1024) throw new InputError(`${flag} ${path}: larger than 1 MiB`);
    return readFileSync(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
