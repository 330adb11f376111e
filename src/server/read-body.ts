import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/**
 * Reads a request body, refusing it as soon as it passes `limit` bytes: the declared Content-Length was
 * checked before, this stops a sender that declares less than it sends from growing memory.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

/**
 * Reads and throws away what is left of a refused request's body, up to `maxBytes` and `maxMs`, before the refusal
 * is sent. Answering (and closing) while the sender is still writing makes its write fail (EPIPE) instead of it
 * reading the refusal; draining a bounded amount lets a well-behaved client see the status. A sender of endless or
 * trickling bytes is cut off at either bound: nothing is held in memory and nothing waits forever.
 */
export function discardBody(req: IncomingMessage, maxBytes: number, maxMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      resolve();
    };
    const cut = () => {
      req.destroy();
      finish();
    };
    const timer = setTimeout(cut, maxMs);
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) cut();
    });
    req.once('end', finish);
    req.once('close', finish);
    req.on('error', finish);
    req.resume();
  });
}
