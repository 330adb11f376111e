import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirError, dataDirProblem, levelOpenProblem } from './data-dir-problem';

/**
 * The embedded DynamoDB API server: dynalite (pure JS on LevelDB), on 127.0.0.1 at a random port.
 *
 * `child` runs it in its own Node process: it gets its own core (ingest marshals on one, dynalite
 * writes on the other) and can be killed mid-write to test crash safety. `in-process` starts faster
 * and suits tests that just need a table.
 */
export interface LocalServerOptions {
  /** Directory for the LevelDB files; omitted = in memory. */
  dataDir?: string;
  mode?: 'child' | 'in-process';
}

export interface LocalServer {
  endpoint: string;
  port: number;
  /** Child process id in `child` mode. */
  pid?: number;
  /** Graceful stop: flushes LevelDB and closes the port. */
  stop(): Promise<void>;
  /** SIGKILL in `child` mode (a crash, for fault tests); same as stop in-process. */
  kill(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** LevelDB directory inside the user's data dir, so the data dir can hold other hyperaudit files. */
export function levelPath(dataDir: string): string {
  return join(resolve(dataDir), 'dynalite');
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const path = options.dataDir === undefined ? undefined : levelPath(options.dataDir);
  if (options.dataDir !== undefined && path !== undefined) {
    const problem = dataDirProblem(resolve(options.dataDir), path);
    if (problem !== undefined) throw new DataDirError(`data folder unusable: ${problem}`);
    mkdirSync(path, { recursive: true });
  }
  try {
    return (options.mode ?? 'child') === 'child' ? await startChild(path) : await startInProcess(path);
  } catch (err) {
    // dynalite reports a held lock and corrupt files alike ("Iterator is not open"); ask LevelDB which it is.
    const problem = path === undefined ? undefined : await levelOpenProblem(path).catch(() => undefined);
    if (problem !== undefined)
      throw new DataDirError(`local DynamoDB server (dynalite) could not start: ${problem}`, { cause: err });
    throw err;
  }
}

type DynaliteFactory = (options: Record<string, unknown>) => Server;

async function startInProcess(path: string | undefined): Promise<LocalServer> {
  const dynalite = require('dynalite') as DynaliteFactory;
  // As the child does (dynalite-server.cjs): tests on this server read the way the CLI's store answers, the key
  // scan's items sent as their stored bytes included.
  (require('./dynalite-key-scan.cjs') as { installKeyScan: () => void }).installKeyScan();
  (require('./encoded-answers.cjs') as { installEncodedAnswers: () => boolean }).installEncodedAnswers();
  // The scan cache follows this server's writes too; its file is the child's alone (written at the child's close).
  (require('./scan-cache-install.cjs') as { installScanCache: () => boolean }).installScanCache();
  (require('./dynalite-expression-memo.cjs') as { installExpressionMemo: () => boolean }).installExpressionMemo();
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path !== undefined && { path }),
  });
  (require('./scan-watch.cjs') as { installScanWatch: (s: Server) => void }).installScanWatch(server);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= new Promise<void>((ok, fail) => server.close((err?: Error) => (err ? fail(err) : ok()))));
  return { endpoint: `http://127.0.0.1:${port}`, port, stop, kill: stop };
}

const CHILD_SCRIPT = fileURLToPath(new URL('./dynalite-server.cjs', import.meta.url));

/**
 * The store child's Node flags. `--single-threaded-gc`: the child's heap stays small (answers of about 1 MB made and
 * dropped), so V8's helper threads for its scavenges cost more CPU (their start and hand-over, on a box whose other
 * core runs the command) than they save; the command itself runs so on a large store (src/cli/gc-relaunch.ts).
 * Measured on the 100,000-VM fleet's unchanged audit (docs/audit-read-at-scale.md, eighth round).
 */
export const CHILD_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The arguments the store child is started with: its Node flags, its script, the LevelDB folder ('' = in memory). */
export function childArgs(path: string | undefined): string[] {
  return [...CHILD_NODE_FLAGS, CHILD_SCRIPT, path ?? ''];
}

/**
 * The store child's environment: this process's, without `NODE_EXTRA_CA_CERTS`. Node 20 reads and parses that file of
 * certificates (and builds its root store) when a process starts, whether or not it ever opens a TLS connection:
 * 30–70 ms of the child's CPU per command on a system bundle of about 150 certificates. The child only serves HTTP on
 * the loopback and reads its LevelDB folder, so it never uses them; the command keeps them for what it sends out.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}

async function startChild(path: string | undefined): Promise<LocalServer> {
  const child = spawn(process.execPath, childArgs(path), {
    env: childEnv(process.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const port = await readPort(child, path);
  const exited = new Promise<void>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok();
    else child.once('exit', () => ok());
  });
  const signal = (sig: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: signal('SIGTERM'),
    kill: signal('SIGKILL'),
  };
}

function readPort(child: ChildProcess, _path: string | undefined): Promise<number> {
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const onExit = (code: number | null) =>
      fail(new Error(`local DynamoDB server (dynalite) could not start (exit ${code}): ${err.trim() || out.trim()}`));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', function onData(d: Buffer) {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      ok((JSON.parse(out.slice(0, nl)) as { port: number }).port);
    });
    child.once('exit', onExit);
    child.once('error', fail);
  });
}
