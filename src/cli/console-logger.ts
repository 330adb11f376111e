import { LOG_LEVELS, type LogFields, type Logger, type LogLevel } from '../model/ports/logger';

/** Where the console logger writes; stderr in the CLI, so stdout stays the command's result. */
export interface LineSink {
  write(text: string): unknown;
}

/**
 * The CLI's logger: one line per entry on stderr, `warn  compaction.oversized {"count":2,...}`, from `minLevel`
 * up. A command printing `--json` or writing to a pipe passes `quietLogger` instead only for info and below:
 * warnings and errors still reach stderr, never stdout.
 */
export function consoleLogger(sink: LineSink = process.stderr, minLevel: LogLevel = 'info'): Logger {
  const threshold = LOG_LEVELS.indexOf(minLevel);
  const at =
    (level: LogLevel) =>
    (message: string, fields?: LogFields): void => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const extra = fields !== undefined && Object.keys(fields).length > 0 ? ` ${safeJson(fields)}` : '';
      sink.write(`${level.padEnd(5)} ${message}${extra}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A field that cannot be serialised (a cycle, a BigInt) must not turn a log line into a crash. */
function safeJson(fields: LogFields): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Error ? value.message : value,
    );
  } catch {
    return '{"unserialisable":true}';
  }
}
