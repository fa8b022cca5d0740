import { gzip, unzip } from 'node:zlib';
import kafkajs from 'kafkajs';
import { releaseMemory } from '../internal/release-memory.js';

/**
 * Output chunk of the gzip decoder, in bytes, when the input does not say how much it inflates to.
 * Node's default (16 KiB) hands a batch's records back to the main thread in 16 KiB pieces, one
 * callback each: ~64 per MiB of events, measured as a tenth of the sink's main-thread time.
 */
const DECOMPRESS_CHUNK_BYTES = 256 * 1024;
/** The largest output chunk a gzip trailer is trusted for; a larger batch takes several. */
const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
/**
 * The largest output chunk per input byte a trailer is trusted for. The trailer is the sender's
 * word: a few bytes claiming 8 MiB would make zlib allocate 8 MiB, which the small result then
 * keeps alive (it is a slice of its chunk) — per batch, thousands per fetch. Order events inflate
 * 5–15×; a batch that inflates more takes several chunks.
 */
const MAX_CHUNK_PER_INPUT_BYTE = 64;
/** zlib's smallest chunk. */
const MIN_CHUNK_BYTES = 64;

/**
 * Record batches decompressed ahead of the one kafkajs asks for. kafkajs decodes a fetch response
 * one record batch after the other and awaits each batch's decompression, so the main thread
 * idled while zlib's thread inflated every batch in turn (a fetch of the sink's size holds ~17
 * batches of the producer's 1,000 records).
 */
const READ_AHEAD_BATCHES = 4;

// Record batch layout (magic 2): baseOffset int64, batchLength int32, then batchLength bytes:
// partitionLeaderEpoch int32, magic int8, crc int32, attributes int16, lastOffsetDelta int32,
// firstTimestamp int64, maxTimestamp int64, producerId int64, producerEpoch int16,
// baseSequence int32, records count int32, and the (compressed) records.
const LENGTH_AT = 8;
const MAGIC_AT = 16;
const ATTRIBUTES_AT = 21;
const COUNT_AT = 57;
const RECORDS_AT = 61;
/** Bytes of a batch after its length field that precede the records. */
const HEADER_AFTER_LENGTH = RECORDS_AT - LENGTH_AT - 4;
const CODEC_MASK = 0x7;
const GZIP = 1;

type Inflated = Promise<Buffer>;

/**
 * The output chunk for a gzip member: the inflated size its trailer gives (ISIZE, modulo 2^32) and
 * a byte, so that zlib inflates a batch into one buffer, hands it back in one callback and needs no
 * concatenation (a batch of 1,000 bench events, 1.1 MiB inflated: ~0.4 ms of the main thread with
 * 256 KiB chunks, ~0.1 ms with one, measured). Anything else (no gzip header, too short) takes
 * {@link DECOMPRESS_CHUNK_BYTES}; a size above {@link MAX_CHUNK_BYTES} or
 * {@link MAX_CHUNK_PER_INPUT_BYTE} × the input takes several chunks.
 */
function outputChunkBytes(buffer: Uint8Array): number {
  if (buffer.length < 18 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) return DECOMPRESS_CHUNK_BYTES;
  const size = new DataView(buffer.buffer, buffer.byteOffset, buffer.length).getUint32(
    buffer.length - 4,
    true,
  );
  return Math.max(
    MIN_CHUNK_BYTES,
    Math.min(MAX_CHUNK_BYTES, MAX_CHUNK_PER_INPUT_BYTE * buffer.length, size + 1),
  );
}

/**
 * Decompressions started ahead, by the memory of their input: the fetch response that holds the
 * batches (an entry lives no longer than that response) and the input's byte offset in it. Each
 * keeps a copy of the bytes it inflates: it is handed over only for the same bytes.
 */
const ahead = new WeakMap<ArrayBufferLike, Map<number, { input: Buffer; inflated: Inflated }>>();

/** @internal The count of decompressions zlib was asked for (for tests). */
export const gzipCodecStats = { inflations: 0 };

/**
 * The memory of decompressed batches that holds nothing else (their records' keys, values and
 * headers are views of it), until {@link releaseDecompressed} frees it.
 */
const releasable = new WeakSet<ArrayBufferLike>();

function inflate(buffer: Uint8Array): Inflated {
  gzipCodecStats.inflations++;
  const chunkSize = outputChunkBytes(buffer);
  return new Promise((resolve, reject) =>
    unzip(buffer, { chunkSize }, (error, out) => {
      if (error) return reject(error);
      // One chunk of its own, or the concatenation of several: no other buffer shares it (a
      // slice of Node's pool of small buffers lies in a pool of another size).
      const memory = out.buffer;
      if (out.byteOffset === 0 && (memory.byteLength === chunkSize || memory.byteLength === out.length)) {
        releasable.add(memory);
      }
      resolve(out);
    }),
  );
}

/**
 * Frees the decompressed batches the records' keys and values are views of, now rather than at the
 * next full garbage collection (see `releaseMemory`): their bytes read as empty afterwards. Memory
 * this codec did not decompress on its own is left alone.
 *
 * @internal
 * @param records - records decoded by kafkajs that nothing reads any more
 */
export function releaseDecompressed(
  records: readonly { readonly key: Buffer | null; readonly value: Buffer | null }[],
): void {
  let last: ArrayBufferLike | undefined;
  for (const record of records) {
    const memory = (record.value ?? record.key)?.buffer;
    if (memory === undefined || memory === last) continue;
    last = memory;
    if (releasable.delete(memory)) releaseMemory(memory);
  }
}

/**
 * Starts decompressing the gzip batches that follow `records` (the compressed records of one
 * batch, a view into the fetch response) in the same response, up to {@link READ_AHEAD_BATCHES}.
 * What follows a partition's last batch is no batch: the walk stops at the first bytes that do not
 * read as a whole gzip batch of magic 2. A decompression started on bytes kafkajs never hands over
 * is dropped with the response. Bytes read past a response's end may be another buffer's, or
 * memory not yet written (Node's small buffers share one pool), so each decompression works on a
 * copy, and is used only when kafkajs asks for the same bytes at the same place.
 */
function readAhead(records: Uint8Array): void {
  const memory = records.buffer;
  const view = new DataView(memory);
  let started = ahead.get(memory);
  let at = records.byteOffset + records.byteLength;
  for (let n = 0; n < READ_AHEAD_BATCHES; n++) {
    if (at + RECORDS_AT > memory.byteLength) return;
    const length = view.getInt32(at + LENGTH_AT);
    const end = at + LENGTH_AT + 4 + length;
    if (
      length <= HEADER_AFTER_LENGTH ||
      end > memory.byteLength ||
      view.getInt8(at + MAGIC_AT) !== 2 ||
      (view.getInt16(at + ATTRIBUTES_AT) & CODEC_MASK) !== GZIP ||
      view.getInt32(at + COUNT_AT) <= 0
    ) {
      return;
    }
    const from = at + RECORDS_AT;
    if (started === undefined) {
      started = new Map();
      ahead.set(memory, started);
    }
    if (!started.has(from)) {
      const input = Buffer.from(new Uint8Array(memory, from, end - from));
      const inflated = inflate(input);
      // Bytes that only looked like a batch fail to inflate; nobody waits for them.
      inflated.catch(() => undefined);
      started.set(from, { input, inflated });
    }
    at = end;
  }
}

function decompress(buffer: Buffer): Inflated {
  const started = ahead.get(buffer.buffer);
  const entry = started?.get(buffer.byteOffset);
  let inflated: Inflated;
  if (entry !== undefined) started?.delete(buffer.byteOffset);
  if (entry?.input.equals(buffer)) {
    inflated = entry.inflated;
  } else {
    inflated = inflate(buffer);
  }
  readAhead(buffer);
  return inflated;
}

const codec = {
  compress: (encoder: { buffer: Buffer }): Promise<Buffer> =>
    new Promise((resolve, reject) =>
      gzip(encoder.buffer, (error, out) => (error ? reject(error) : resolve(out))),
    ),
  decompress,
};

/**
 * Replaces kafkajs's gzip codec (a process-wide registry) with one that decodes in larger chunks
 * and decompresses the next record batches of a fetch response while kafkajs decodes the current
 * one: the same bytes in and out, fewer round trips between zlib's thread and the main thread, and
 * no main-thread wait per batch. Idempotent; called by {@link createKafkaJsClientFactory}.
 *
 * @internal
 */
export function useLargeChunkGzip(): void {
  (kafkajs.CompressionCodecs as Record<number, () => unknown>)[kafkajs.CompressionTypes.GZIP] = () => codec;
}

/** @internal The codec itself (for tests). */
export const gzipCodec = codec;
