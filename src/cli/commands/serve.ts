import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { DEFAULT_RULES_DIR, loadRules } from '../../engine/load-rules';
import { PROFILES, type Profile } from '../../engine/types';
import { SEVERITIES, type Severity } from '../../model/finding';
import { checkToken, loopbackHost, parsePort } from '../../server/listen-address';
import { startLocalS3 } from '../../server/local-s3';
import { createLocalPipeline } from '../../server/local-pipeline';
import { startServeServer } from '../../server/start-server';
import { clockSkewOption, futurePolicyFrom } from '../clock-skew-option';
import { EXIT, UsageError } from '../exit-codes';
import { readSecret } from '../secret-option';
import type { CommandRunner } from '../main';
import { addStoreOptions, withStore, type StoreCliOptions } from '../store-options';

interface ServeCliOptions extends StoreCliOptions {
  port?: string;
  host?: string;
  token?: string;
  tokenFile?: string;
  maxBodyBytes: string;
  rules: string;
  profile: Profile;
  minSeverity: Severity;
  failOn: Severity;
  traces: string;
  maxClockSkew?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const SAMPLE_TRACES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'samples', 'traces');

function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1024 || Number(value) > 256 * 1024 * 1024) {
    throw new UsageError(`--max-body-bytes ${JSON.stringify(value)}: a number of bytes from 1024 to 268435456`);
  }
  return Number(value);
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveSignal(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command, run: CommandRunner): void {
  const cmd = program
    .command('serve')
    .description(
      "Local HTTP ingest endpoint with the deployed API's contract (VEBA CloudEvents, Nova notifications, canonical JSON/NDJSON) on 127.0.0.1; " +
        'runs the AWS handlers per request (authorizer, ingest, evaluate, notify), the compliance workflow on POST /runs, and serves the latest report',
    )
    .option('--port <port>', 'TCP port (0 = any free port)', '8787')
    .option('--host <address>', 'listen address; only 127.0.0.1 (or localhost) is accepted')
    .option(
      '--token <token>',
      'bearer token senders must present (visible in ps: prefer --token-file or env HYPERAUDIT_TOKEN; default: a random one printed at start)',
    )
    .option('--token-file <file>', 'read the bearer token from this file (one line)')
    .option('--max-body-bytes <n>', 'largest request body accepted (larger: 413)', String(DEFAULT_MAX_BODY_BYTES))
    .option('--rules <dir>', 'rule packs', DEFAULT_RULES_DIR)
    .addOption(new Option('--profile <profile>', 'rule profile').choices([...PROFILES]).default('scg'))
    .addOption(
      new Option('--min-severity <severity>', 'lowest severity posted to Slack (SLACK_WEBHOOK_URL)')
        .choices([...SEVERITIES])
        .default('high'),
    )
    .addOption(
      new Option('--fail-on <severity>', "threshold the workflow's report counts failing findings at")
        .choices([...SEVERITIES])
        .default('high'),
    )
    .option('--traces <dir>', "PlanetLab-format traces the workflow's simulation replays", SAMPLE_TRACES)
    .addOption(clockSkewOption());
  addStoreOptions(cmd).action((opts: ServeCliOptions) =>
    run(async () => {
      const host = loopbackHost(opts.host);
      const port = parsePort(opts.port);
      const maxBodyBytes = parseLimit(opts.maxBodyBytes);
      const future = futurePolicyFrom(opts.maxClockSkew);
      const given = await readSecret({
        flag: '--token',
        flagValue: opts.token,
        fileFlag: '--token-file',
        file: opts.tokenFile,
        envName: 'HYPERAUDIT_TOKEN',
      });
      const token = given !== undefined && given !== '' ? checkToken(given) : randomBytes(24).toString('base64url');
      const rules = loadRules(resolve(opts.rules), { profile: opts.profile });
      const webhook = process.env.SLACK_WEBHOOK_URL;
      const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const dataDir = resolve(opts.dataDir);
      const s3 = await startLocalS3(join(dataDir, 's3'));
      await withStore(opts, async (store) => {
        const pipeline = createLocalPipeline({
          workflow: {
            s3,
            bucket: 'hyperaudit-reports',
            tracesDir: resolve(opts.traces),
            failThreshold: opts.failOn,
            // The run's profile is the one the rules were loaded for.
            profile: opts.profile,
          },
          store,
          rules,
          reportDir: join(dataDir, 'serve-report'),
          minSeverity: opts.minSeverity,
          log,
          future,
          ...(webhook !== undefined && webhook !== '' && { webhookUrl: webhook }),
        });
        await pipeline.recoverPending?.();
        const server = await startServeServer(port, { token, maxBodyBytes, pipeline, log });
        process.stdout.write(`hyperaudit serve: listening on ${server.url} (${host} only)\n`);
        process.stdout.write(
          `  POST ${server.url}/events   POST ${server.url}/runs   GET ${server.url}/report   GET ${server.url}/healthz\n`,
        );
        if (given === undefined || given === '') {
          // Shown once so a first try works; set HYPERAUDIT_TOKEN to keep it out of the terminal.
          process.stdout.write(`  bearer token (generated; set HYPERAUDIT_TOKEN to choose one): ${token}\n`);
        }
        process.stdout.write(
          `  slack: ${webhook ? 'digest after each evaluation' : 'SLACK_WEBHOOK_URL not set, nothing posted'}\n`,
        );
        const signal = await untilSignal();
        log(`${signal}: stopping`);
        await server.close();
      }).finally(() => s3.close());
      return EXIT.ok;
    }),
  );
}
