import { gzip, unzip } from 'node:zlib';
import kafkajs from 'kafkajs';

/**
 * Output chunk of the gzip decoder, in bytes. Node's default (16 KiB) hands a batch's records back
 * to the main thread in 16 KiB pieces, one callback each: ~64 per MiB of events, measured as a
 * tenth of the sink's main-thread time. 256 KiB keeps the work on zlib's thread.
 */
const DECOMPRESS_CHUNK_BYTES = 256 * 1024;

const codec = {
  compress: (encoder: { buffer: Buffer }): Promise<Buffer> =>
    new Promise((resolve, reject) =>
      gzip(encoder.buffer, (error, out) => (error ? reject(error) : resolve(out))),
    ),
  decompress: (buffer: Buffer): Promise<Buffer> =>
    new Promise((resolve, reject) =>
      unzip(buffer, { chunkSize: DECOMPRESS_CHUNK_BYTES }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    ),
};

/**
 * Replaces kafkajs's gzip codec (a process-wide registry) with one that decodes in larger chunks:
 * the same bytes in and out, fewer round trips between zlib's thread and the main thread.
 * Idempotent; called by {@link createKafkaJsClientFactory}.
 *
 * @internal
 */
export function useLargeChunkGzip(): void {
  (kafkajs.CompressionCodecs as Record<number, () => unknown>)[kafkajs.CompressionTypes.GZIP] = () => codec;
}
