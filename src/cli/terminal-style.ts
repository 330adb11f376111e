import type { Severity } from '../model/finding';
import { DEFAULT_TABLE_WIDTH, type TableLayout } from '../report/formats/table';

/** What the output decisions look at; `process.stdout`/`process.env` in the CLI, plain objects in tests. */
export interface OutputTerminal {
  isTTY?: boolean;
  columns?: number;
}

/**
 * https://no-color.org: colour only on a terminal, and never when NO_COLOR is set to anything but the empty
 * string. FORCE_COLOR is deliberately not honoured: a pipe gets plain text that `grep` and files can use.
 */
export function colourWanted(stream: OutputTerminal, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

// Severity order reads at a glance: red for what to fix now, fading to dim for information.
const SEVERITY_SGR: Record<Severity, string> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  info: '2',
};

/** Wraps `text` in the SGR colour of `severity` (reset after), or returns it unchanged when colour is off. */
export function severityPainter(colour: boolean): (severity: Severity, text: string) => string {
  return colour ? (severity, text) => `\u001b[${SEVERITY_SGR[severity]}m${text}\u001b[0m` : (_severity, text) => text;
}

/** The terminal's width; a pipe or file (no columns) gets the table default, and a silly width a usable one. */
export function outputWidth(stream: OutputTerminal): number {
  const columns = stream.isTTY === true ? stream.columns : undefined;
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return DEFAULT_TABLE_WIDTH;
  return Math.max(60, Math.floor(columns));
}

/** The audit table's layout for this stream and environment. */
export function terminalTableLayout(stream: OutputTerminal, env: NodeJS.ProcessEnv): Required<TableLayout> {
  return { width: outputWidth(stream), paint: severityPainter(colourWanted(stream, env)) };
}
