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
//
// Raw items: the key scan (dynalite-key-scan.cjs) can hand over a Scan answer's items as ranges of their stored bytes
// (`rawItems`) instead of objects. dynalite's sendData still stringifies the answer; the items then stand in its text
// as one marker string, first in the object, and `unsigned` writes the stored bytes where the marker is. The marker
// holds a random token of this process, so no stored text can spell it, and only the answer whose `toJSON` just ran
// is spliced (sendData stringifies, checksums and ends in one synchronous step). A stored answer (`storedAnswer`: the
// scan cache's entry, scan-cache.cjs) is the marker alone, and its kept bytes and CRC-32 are sent as they are.
'use strict';

const { randomUUID } = require('node:crypto');
const http = require('node:http');

const RAW_MARKER = `\u0000hyperaudit-raw-items:${randomUUID()}`;
const RAW_PREFIX = `{"Items":${JSON.stringify(RAW_MARKER)}`;
const STORED_TEXT = JSON.stringify(RAW_MARKER);
const RAW_OPEN = Buffer.from('{"Items":[');
const RAW_CLOSE = Buffer.from(']');
/** The raw items or stored answer whose marker the last JSON.stringify wrote, until `unsigned` takes them. */
let rawPending;
/** Whether the hooks are installed (`installEncodedAnswers`): only then may the key scan answer with raw items. */
let installed = false;
/** The installed hooks' buffers, for answers read from elsewhere (`takeAnswerBuffer`). */
let installedAnswers;

/**
 * A Scan answer's items as bytes: `source` tells their `byteLength` and writes them (`copyTo(target, at)`). `keep`,
 * when given, is handed the whole answer's bytes and CRC-32 once encoded (the scan cache, scan-cache.cjs), during the
 * same synchronous step that sends them.
 */
class RawItems {
  constructor(source, keep) {
    this.source = source;
    this.keep = keep;
  }
  toJSON() {
    rawPending = this;
    return RAW_MARKER;
  }
}

function rawItems(source, keep) {
  return new RawItems(source, keep);
}

/**
 * A whole answer already encoded (a scan cache entry): its text is the marker alone, and `unsigned` sends `bytes`.
 * `buffer`: the reused buffer (`takeAnswerBuffer`) that holds them, given back once they are sent.
 */
class StoredAnswer {
  constructor(bytes, crc, buffer) {
    this.bytes = bytes;
    this.crc = crc;
    this.buffer = buffer;
  }
  toJSON() {
    rawPending = this;
    return RAW_MARKER;
  }
}

function storedAnswer(bytes, crc, buffer) {
  return new StoredAnswer(bytes, crc, buffer);
}

/** Whether answers with raw items are sent as their bytes (the hooks below are installed). */
function takesRawItems() {
  return installed;
}

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
    take,
    give,
    /** The CRC-32 of an answer's UTF-8 bytes; a text's bytes are kept for the `end` that sends it. */
    unsigned(data) {
      const raw = rawPending;
      rawPending = undefined;
      if (typeof data !== 'string') return crc32(data);
      if (raw instanceof StoredAnswer && data === STORED_TEXT) {
        pending = { text: data, buffer: raw.buffer, bytes: raw.bytes, raw: true };
        return raw.crc;
      }
      if (raw instanceof RawItems && data.startsWith(RAW_PREFIX)) {
        // `{"Items":"<marker>"…`: the stored bytes in the marker's place, then the rest of dynalite's text.
        const rest = data.slice(RAW_PREFIX.length);
        const buffer = take(
          RAW_OPEN.length + raw.source.byteLength + RAW_CLOSE.length + Buffer.byteLength(rest, 'utf8'),
        );
        let at = RAW_OPEN.copy(buffer, 0);
        at = raw.source.copyTo(buffer, at);
        at += RAW_CLOSE.copy(buffer, at);
        at += buffer.write(rest, at, 'utf8');
        const bytes = buffer.subarray(0, at);
        pending = { text: data, buffer, bytes, raw: true };
        const crc = crc32(bytes);
        raw.keep?.(bytes, crc);
        return crc;
      }
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
        if (answer.buffer !== undefined) this.once('finish', () => give(answer.buffer));
        // dynalite counted the text's bytes, where the marker stood for the items.
        if (answer.raw) this.setHeader('Content-Length', answer.bytes.length);
        return end.call(this, answer.bytes, ...rest);
      };
    },
  };
}

/**
 * Installs the hooks on dynalite's copy of buffer-crc32 and on every HTTP response's `end` (of this process: the
 * store's child, or a process running the store in-process). Needs Node's native zlib.crc32 (Node 20.15+); without
 * it nothing is installed and answers go as dynalite sends them. Idempotent. Whether the hooks are in place.
 */
function installEncodedAnswers() {
  if (installed) return true;
  const zlib = require('node:zlib');
  if (typeof zlib.crc32 !== 'function') return false;
  const crc32 = require(require.resolve('buffer-crc32', { paths: [require.resolve('dynalite')] }));
  const answers = encodedAnswers(zlib.crc32);
  crc32.unsigned = answers.unsigned;
  http.ServerResponse.prototype.end = answers.end(http.ServerResponse.prototype.end);
  installedAnswers = answers;
  installed = true;
  return true;
}

/**
 * A buffer of at least `length` bytes from the answers' reused ones, for a stored answer read into it
 * (`storedAnswer(bytes, crc, buffer)` gives it back once sent). Only once the hooks are installed.
 */
function takeAnswerBuffer(length) {
  return installedAnswers.take(length);
}

/** Gives back a buffer taken with `takeAnswerBuffer` that no answer will send. */
function giveAnswerBuffer(buffer) {
  installedAnswers.give(buffer);
}

module.exports = {
  encodedAnswers,
  giveAnswerBuffer,
  installEncodedAnswers,
  rawItems,
  storedAnswer,
  takeAnswerBuffer,
  takesRawItems,
};
