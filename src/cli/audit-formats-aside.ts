import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditFormatsAside, AuditFormatsRequest } from '../report/html/audit-formats';

type WorkerAnswer = { files: [string, Uint8Array][] } | { error: string };

/**
 * `report` renders the audit formats (SARIF, JUnit, OCSF, ASFF: about a third of a second on the sample fleet, most
 * of it JUnit's rule × resource cases) in a worker thread, on the other core, while this one writes the page,
 * report.json and findings.csv. Started before the fleet is read, so its start and module load overlap the read;
 * held (ref'd) only while a request is out, so it never keeps the process alive. Undefined where there is no
 * compiled worker to start (the CLI run from src/ through tsx): the formats are then rendered in this thread.
 */
export function startAuditFormatsAside(): (AuditFormatsAside & { stop(): Promise<void> }) | undefined {
  // @bundle-entry-beside: the build leaves this module's URL alone, so in dist/bundle/ the worker is the bundled
  // entry beside this chunk, in dist/cli/ its file-for-file twin, and in src/ there is none.
  const script = new URL('./audit-formats-worker.js', import.meta.url);
  if (!script.pathname.endsWith('.js') || !existsSync(fileURLToPath(script))) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(script);
  } catch {
    return undefined;
  }
  worker.unref();
  let failed = false;
  worker.on('error', () => {
    failed = true;
  });
  return {
    render(request: AuditFormatsRequest) {
      if (failed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const done = (texts: ReadonlyMap<string, Uint8Array> | undefined) => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          worker.unref();
          resolve(texts);
        };
        const onMessage = (answer: WorkerAnswer) => done('files' in answer ? new Map(answer.files) : undefined);
        const onError = () => done(undefined);
        const onExit = () => done(undefined);
        worker.on('message', onMessage);
        worker.once('error', onError);
        worker.once('exit', onExit);
        worker.ref();
        worker.postMessage(request);
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
}
