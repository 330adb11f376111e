import { parentPort } from 'node:worker_threads';
import { type AuditFormatsRequest, renderAuditFormatsRequest } from '../report/html/audit-formats';

/**
 * The worker thread `report` renders SARIF, JUnit, OCSF and ASFF in (src/cli/audit-formats-aside.ts). Each request
 * is answered with the four files as UTF-8 bytes, moved (not copied) to the main thread, which writes them as they
 * are: the encoding is done here too. Or with the error that kept it from rendering them.
 */
function utf8(pieces: Iterable<string>): Buffer {
  const all = [...pieces];
  const out = Buffer.allocUnsafeSlow(all.reduce((n, piece) => n + Buffer.byteLength(piece), 0));
  let at = 0;
  for (const piece of all) at += out.write(piece, at);
  return out;
}

const port = parentPort;
port?.on('message', (request: AuditFormatsRequest) => {
  try {
    const files = [...renderAuditFormatsRequest(request)].map(([name, pieces]) => [name, utf8(pieces)] as const);
    port.postMessage(
      { files },
      files.map(([, bytes]) => bytes.buffer as ArrayBuffer),
    );
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
