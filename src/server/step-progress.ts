import cliProgress from 'cli-progress';
import { trackProgress, untrackProgress } from './active-progress';

/** How a long-running local pipeline tells a person where it is. */
export interface StepReporter {
  /** A step begins; `total` makes it a bar (records to ingest), otherwise it is a line. */
  start(step: string, total?: number): void;
  /** Units of the current step done so far. */
  advance(done: number): void;
  /** The step ended; `detail` is a short result, e.g. `1,461 events`. */
  finish(detail: string): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Progress bars on a terminal, plain `step … done` lines otherwise (CI logs, pipes), so a log never fills
 * with carriage returns.
 */
export function stepReporter(stream: NodeJS.WriteStream = process.stdout): StepReporter {
  const tty = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  let started = 0;
  let index = 0;
  return {
    start(step, total) {
      current = step;
      started = performance.now();
      index += 1;
      if (tty) {
        // Without a total (simulate, audit) the "bar" is the step name and a running clock.
        const counted = total !== undefined && total > 0;
        const format = counted
          ? `  ${step.padEnd(10)} [{bar}] {percentage}% {value}/{total}`
          : `  ${step.padEnd(10)} … {duration}s`;
        bar = new cliProgress.SingleBar(
          { stream, format, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(counted ? total : 1, 0);
        trackProgress(bar);
      } else {
        stream.write(`  ${String(index)}. ${step} …\n`);
      }
    },
    advance(done) {
      bar?.update(done);
    },
    finish(detail) {
      if (bar) {
        bar.stop();
        untrackProgress(bar);
        bar = undefined;
      }
      stream.write(
        `  ${tty ? '✔' : '  '} ${current.padEnd(10)} ${seconds(performance.now() - started).padStart(6)}  ${detail}\n`,
      );
    },
  };
}

/** For callers that print nothing (tests, `--json`). */
export const silentReporter: StepReporter = { start() {}, advance() {}, finish() {} };

/** Passes every call on to `inner` and records each step's wall time, in order, into `timings`. */
export function timedReporter(inner: StepReporter, timings: { step: string; ms: number }[]): StepReporter {
  let step = '';
  let started = 0;
  return {
    start(name, total) {
      step = name;
      started = performance.now();
      inner.start(name, total);
    },
    advance(done) {
      inner.advance(done);
    },
    finish(detail) {
      timings.push({ step, ms: performance.now() - started });
      inner.finish(detail);
    },
  };
}
