/**
 * `hyperaudit audit | head` closes stdout before the command has written everything. The reader has what it
 * wanted, so the rest of the output is dropped rather than crashing on EPIPE with a stack trace; the command
 * still finishes and exits with its own code, so `set -o pipefail` keeps seeing a failed `--fail-on` gate.
 */
const guarded = new WeakSet<NodeJS.WritableStream>();

const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export function dropOutputOnceReaderLeaves(stream: NodeJS.WritableStream = process.stdout): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (READER_GONE.has(err.code ?? '')) return;
    // Any other failure stays what an unhandled stream error is: fatal.
    throw err;
  });
}
