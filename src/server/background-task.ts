/**
 * Runs a job off the request path, one at a time, coalescing requests: asked again while a run is going,
 * it runs once more after it (never more than one waiting), so every request is covered by a run that
 * started after it. Used for the Slack digest, so a slow or hanging webhook never holds an ingest answer.
 */
export interface BackgroundTask {
  /** Asks for a run; returns at once. */
  request(): void;
  /** Resolves when no run is going or waiting. */
  idle(): Promise<void>;
}

export function backgroundTask(job: () => Promise<void>, onError: (err: unknown) => void): BackgroundTask {
  let running: Promise<void> | undefined;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await job();
      } catch (err) {
        onError(err);
      }
    } while (again);
    running = undefined;
  };
  return {
    request() {
      if (running !== undefined) {
        again = true;
        return;
      }
      running = loop();
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
