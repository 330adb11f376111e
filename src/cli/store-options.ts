import { Option, type Command } from 'commander';
import { startLocalServer, type LocalServer } from '../store/local-server';
import { TABLE } from '../store/table';
import type { FleetCache, FleetStore } from '../store/types';
import { futurePolicyFrom } from './clock-skew-option';
import { DEFAULT_DATA_DIR } from './default-data-dir';
import { takeEarlyStore } from './early-store';
import { UsageError } from './exit-codes';
import { fleetCacheCodeStamp, localFleetCache } from './fleet-cache';

/** Where the CLI keeps its data: the embedded server (default), any DynamoDB-compatible endpoint, or AWS. */
export interface StoreCliOptions {
  dataDir: string;
  endpoint?: string;
  aws?: boolean;
  table: string;
  /** `--max-clock-skew` where a command has it; the store's fold leaves events further ahead out (else env, else 900 s). */
  maxClockSkew?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--data-dir <dir>', 'directory of the embedded local DynamoDB server').default(DEFAULT_DATA_DIR),
    )
    .addOption(
      new Option('--endpoint <url>', 'use this DynamoDB-compatible server instead of the embedded one').conflicts(
        'aws',
      ),
    )
    .addOption(new Option('--aws', 'use real DynamoDB (default AWS credential chain and region)').conflicts('endpoint'))
    .addOption(new Option('--table <name>', 'table name').default(TABLE.defaultName));
}

/** Opens the store the options name (starting the embedded server if needed), runs `fn`, and stops the server. */
export function withStore<T>(opts: StoreCliOptions, fn: (store: FleetStore) => Promise<T>): Promise<T> {
  return withStoreAfter(
    opts,
    () => undefined,
    (store) => fn(store),
  );
}

/**
 * Like `withStore`, with `prepare` (loading rules, reading input files) run while the embedded server starts
 * in its own process and the AWS SDK loads: a command's fixed start-up costs overlap instead of adding up on a
 * two-core machine. When `prepare` fails, the server is stopped and its error is the one thrown.
 */
export async function withStoreAfter<P, T>(
  opts: StoreCliOptions,
  prepare: () => P | Promise<P>,
  fn: (store: FleetStore, prepared: P) => Promise<T>,
): Promise<T> {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(opts.table)) {
    throw new UsageError(`--table ${JSON.stringify(opts.table)}: 3-255 characters of letters, digits, '_', '-', '.'`);
  }
  // The SDK warns on every run that future versions need Node 22; not actionable for a CLI user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (opts.endpoint !== undefined) {
    try {
      new URL(opts.endpoint);
    } catch {
      throw new UsageError(`--endpoint ${JSON.stringify(opts.endpoint)} is not a URL (e.g. http://127.0.0.1:8000)`);
    }
  }
  const starting: Promise<LocalServer> | undefined =
    opts.endpoint === undefined && !opts.aws
      ? (takeEarlyStore(opts.dataDir) ?? startLocalServer({ dataDir: opts.dataDir, mode: 'child' }))
      : undefined;
  // Awaited below; until then a start-up failure must not surface as an unhandled rejection.
  starting?.catch(() => undefined);
  // The SDK is loaded here, not by the command module, so its load overlaps the server's start.
  const storeModule = import('../store/open-store');
  storeModule.catch(() => undefined);
  let server: LocalServer | undefined;
  try {
    const prepared = await prepare();
    server = await starting;
    const { openDynamoStore } = await storeModule;
    const endpoint = server?.endpoint ?? opts.endpoint;
    const fleetCache = server === undefined ? undefined : localFleetCacheOf(opts.dataDir, server.endpoint);
    const store = await openDynamoStore(
      { ...(endpoint !== undefined && { endpoint }), tableName: opts.table, unsigned: server !== undefined },
      {
        maxEventAheadMs: futurePolicyFrom(opts.maxClockSkew).maxAheadSeconds * 1000,
        ...(fleetCache && { fleetCache }),
      },
    );
    try {
      return await fn(store, prepared);
    } finally {
      store.close();
    }
  } finally {
    // A server that started while `prepare` failed is stopped too.
    server ??= await starting?.catch(() => undefined);
    await server?.stop();
  }
}

/** The embedded store's fleet cache (src/cli/fleet-cache.ts): none when run from source or `HYPERAUDIT_FLEET_CACHE=off`. */
function localFleetCacheOf(dataDir: string, endpoint: string): FleetCache | undefined {
  if (process.env.HYPERAUDIT_FLEET_CACHE === 'off') return undefined;
  const codeStamp = fleetCacheCodeStamp();
  return codeStamp === undefined ? undefined : localFleetCache({ dataDir, endpoint, codeStamp });
}
