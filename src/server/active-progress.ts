/**
 * Progress bars still drawing. A bar redraws its clock on a timer, so a step that fails before `finish` would
 * keep the process alive and redrawing forever; the CLI stops whatever is left before it reports the error.
 * Kept apart from step-progress so the CLI's entry can import it without loading cli-progress.
 */
const active = new Set<{ stop(): void }>();

export function trackProgress(bar: { stop(): void }): void {
  active.add(bar);
}

export function untrackProgress(bar: { stop(): void }): void {
  active.delete(bar);
}

/** Stops (and clears) every bar a failed step left running. */
export function stopActiveProgress(): void {
  for (const bar of active) bar.stop();
  active.clear();
}
