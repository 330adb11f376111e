import { silentReporter, stepReporter, type StepReporter } from '../server/step-progress';

/**
 * Progress goes to stderr so stdout stays the result (pipeable, `--format json`); it is drawn only when stderr is
 * a terminal, since a CI log or a pipe would fill with redraws, and never under `--json`, whose reader is a program.
 */
export function progressWanted(stderr: { isTTY?: boolean }, opts: { json?: boolean } = {}): boolean {
  return stderr.isTTY === true && opts.json !== true;
}

/** The demo's step reporter (bars and `✔ step 1.2s detail` lines) on stderr when wanted, silence otherwise. */
export function commandProgress(
  opts: { json?: boolean } = {},
  stderr: NodeJS.WriteStream = process.stderr,
): StepReporter {
  return progressWanted(stderr, opts) ? stepReporter(stderr) : silentReporter;
}
