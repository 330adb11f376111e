// The embedded store's answers encoded to UTF-8 once, into buffers kept for reuse. Plain CommonJS: the store's child
// process (dynalite-server.cjs) loads it without a TypeScript loader.
//
// dynalite turns each answer's text into UTF-8 three times: for its CRC-32 header, for Content-Length (a count, cheap)
// and when the response writes it. `unsigned` (the CRC-32 hook) encodes the text once and keeps the bytes, and `end`
// sends those bytes when the response is ended with that same text (dynalite's sendData computes the header and ends
// the response in one synchronous step, so one pending answer at a time is all there is).
//
// The bytes go into buffers kept for reuse rather than a fresh Buffer per answer: a fleet Scan's pages are about 1 MB
// each, and the first writes to fresh memory (page faults) cost more than the encoding itself, about 4 ms per MB on
// the 2-core box. A buffer belongs to its response until the response has finished (its bytes written to the socket);
// one whose response never finishes (the client went away) is simply not reused.
'use strict';

const KEPT_BUFFERS = 4;
const LARGEST_KEPT = 4 * 1024 * 1024;

/** `crc32(bytes)`: the checksum of a Buffer (zlib.crc32). */
function encodedAnswers(crc32) {
  const free = [];
  let pending;
  const take = (length) => {
    const i = free.findIndex((b) => b.length >= length);
    // A quarter more than asked, so the next page, of about the same size, fits too; 64 KB at least: never a slice
    // of Node's shared pool, which other Buffers use.
    return i >= 0 ? free.splice(i, 1)[0] : Buffer.allocUnsafe(Math.max(length + (length >> 2), 64 * 1024));
  };
  const give = (buffer) => {
    if (free.length < KEPT_BUFFERS && buffer.length <= LARGEST_KEPT) free.push(buffer);
  };
  return {
    /** The CRC-32 of an answer's UTF-8 bytes; a text's bytes are kept for the `end` that sends it. */
    unsigned(data) {
      if (typeof data !== 'string') return crc32(data);
      const buffer = take(Buffer.byteLength(data, 'utf8'));
      const bytes = buffer.subarray(0, buffer.write(data, 0, 'utf8'));
      pending = { text: data, buffer, bytes };
      return crc32(bytes);
    },
    /** A response's `end` that sends the kept bytes of the text it is handed (`end`: the response's own). */
    end(end) {
      return function endWithEncodedText(chunk, ...rest) {
        const answer = pending !== undefined && chunk === pending.text ? pending : undefined;
        pending = undefined;
        if (answer === undefined) return end.call(this, chunk, ...rest);
        this.once('finish', () => give(answer.buffer));
        return end.call(this, answer.bytes, ...rest);
      };
    },
  };
}

module.exports = { encodedAnswers };
