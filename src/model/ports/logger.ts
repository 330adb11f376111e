/**
 * The logger port: structured lines (a message and flat fields) the use cases emit for operators. The Lambda
 * functions pass Powertools' logger (functions/shared/powertools.ts), the CLI a console or quiet one
 * (src/cli/console-logger.ts), tests the memory one below.
 */
export type LogFields = Readonly<Record<string, unknown>>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Drops every line: for callers whose output is the result itself (`--json`, a pipe). */
export const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface LogEntry {
  level: LogLevel;
  message: string;
  fields: LogFields;
}

/** Keeps every line in `entries`, in order, for a test to assert on. */
export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
}

export function memoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      entries.push({ level, message, fields });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
