import { LentBytes, type TextPiece } from './encoded-text';

/**
 * Bytes gathered before they are handed on: pieces are encoded straight into one buffer of this size (a finding's
 * text is about 1.4 KB), not joined into larger strings and encoded again; joining and re-encoding 1 GB of audit JSON
 * cost more than printing it, and 6 GB of report files a fifth of `report`'s profile.
 */
const BUFFER_BYTES = 1 << 20;
/** UTF-8 bytes one UTF-16 code unit takes at most: a text this many times its length always fits. */
const MAX_BYTES_PER_UNIT = 3;

function endsInHighSurrogate(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff;
}

/**
 * Encodes `pieces` as the UTF-8 of their joined text, never joined into one string, and hands the bytes to `emit` a
 * buffer at a time (a text or an `EncodedText` larger than the buffer on its own); resolves to the bytes handed on.
 * `emit` is awaited before the buffer is filled again. `emitKeepsBuffers`: `emit` may hold on to what it is given
 * (a stream writes it later), so each full buffer is a fresh one. A text ending in the first half of a surrogate pair
 * waits for the next piece, so a pair split between two pieces is encoded as its one character; `EncodedText` and
 * `LentBytes` pieces are copied as they are (lent bytes before the next piece is asked for).
 */
export async function emitEncodedPieces(
  pieces: Iterable<TextPiece>,
  emit: (bytes: Buffer) => Promise<void>,
  emitKeepsBuffers: boolean,
): Promise<number> {
  let buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let used = 0;
  let total = 0;
  let held = '';
  const flush = async () => {
    if (used === 0) return;
    await emit(buffer.subarray(0, used));
    total += used;
    used = 0;
    if (emitKeepsBuffers) buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  };
  const emitWhole = async (bytes: Buffer) => {
    await emit(bytes);
    total += bytes.length;
  };
  // A lone first half, before encoded bytes or at the very end, is encoded as the joined text's encoding does (U+FFFD).
  const writeHeld = async () => {
    if (buffer.length - used < MAX_BYTES_PER_UNIT) await flush();
    used += buffer.write(held, used, 'utf8');
    held = '';
  };
  for (const piece of pieces) {
    if (typeof piece !== 'string') {
      if (held !== '') await writeHeld();
      const bytes = piece.bytes;
      if (bytes.length > buffer.length - used) {
        await flush();
        if (bytes.length > buffer.length) {
          // An `EncodedText` is never changed once made, so an `emit` that keeps buffers may keep it; lent bytes are
          // written over once the next piece is asked for, so such an `emit` gets a copy.
          await emitWhole(piece instanceof LentBytes && emitKeepsBuffers ? Buffer.from(bytes) : bytes);
          continue;
        }
      }
      used += bytes.copy(buffer, used);
      continue;
    }
    let text = held === '' ? piece : held + piece;
    held = '';
    if (endsInHighSurrogate(text)) {
      held = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text.length * MAX_BYTES_PER_UNIT > buffer.length - used) {
      await flush();
      if (text.length * MAX_BYTES_PER_UNIT > buffer.length) {
        await emitWhole(Buffer.from(text, 'utf8'));
        continue;
      }
    }
    used += buffer.write(text, used, 'utf8');
  }
  if (held !== '') await writeHeld();
  await flush();
  return total;
}
