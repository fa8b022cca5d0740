import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipCodec, gzipCodecStats, releaseDecompressed } from './kafkajs-gzip-codec.js';

/** A record batch (magic 2, gzip) as it lies in a fetch response, and where its records start. */
function batch(text: string): { bytes: Buffer; records: number } {
  const records = gzipSync(Buffer.from(text));
  const bytes = Buffer.alloc(61 + records.length);
  bytes.writeBigInt64BE(0n, 0); // base offset
  bytes.writeInt32BE(49 + records.length, 8); // batch length: what follows this field
  bytes.writeInt8(2, 16); // magic
  bytes.writeInt16BE(1, 21); // attributes: gzip
  bytes.writeInt32BE(3, 57); // records count
  records.copy(bytes, 61);
  return { bytes, records: 61 };
}

/** The compressed records of the batch at `start` in `response`, as kafkajs hands them over. */
const recordsOf = (response: Buffer, start: number, length: number) =>
  response.subarray(start + 61, start + length);

describe('kafkajs gzip codec', () => {
  it('decompresses the next batches of a fetch response ahead, and hands them over when asked', async () => {
    const first = batch('first batch');
    const second = batch('second batch');
    // What follows the last batch of a partition is no batch: the walk stops there.
    const tail = Buffer.from('partition 1 fields, not a record batch................................');
    const response = Buffer.concat([first.bytes, second.bytes, tail]);
    const before = gzipCodecStats.inflations;
    const one = await gzipCodec.decompress(recordsOf(response, 0, first.bytes.length));
    expect(one.toString()).toBe('first batch');
    // The second batch was started with the first.
    expect(gzipCodecStats.inflations - before).toBe(2);
    const two = await gzipCodec.decompress(recordsOf(response, first.bytes.length, second.bytes.length));
    expect(two.toString()).toBe('second batch');
    expect(gzipCodecStats.inflations - before).toBe(2);
  });

  it('inflates again when the bytes read ahead changed since (memory written after the walk)', async () => {
    const first = batch('first batch');
    const second = batch('second batch');
    const response = Buffer.concat([first.bytes, second.bytes]);
    const before = gzipCodecStats.inflations;
    await gzipCodec.decompress(recordsOf(response, 0, first.bytes.length));
    const changed = batch('other batch!');
    expect(changed.bytes.length).toBe(second.bytes.length);
    changed.bytes.copy(response, first.bytes.length);
    const two = await gzipCodec.decompress(recordsOf(response, first.bytes.length, second.bytes.length));
    expect(two.toString()).toBe('other batch!');
    expect(gzipCodecStats.inflations - before).toBe(3);
  });

  it('decompresses what it did not read ahead, and rejects bytes that are not gzip', async () => {
    const lone = batch('lone batch');
    const response = Buffer.concat([lone.bytes, Buffer.alloc(200, 7)]);
    const out = await gzipCodec.decompress(recordsOf(response, 0, lone.bytes.length));
    expect(out.toString()).toBe('lone batch');
    await expect(gzipCodec.decompress(Buffer.from('not gzip'))).rejects.toThrow();
  });

  it('inflates a batch larger than one output chunk, and one larger than the largest chunk, whole', async () => {
    for (const size of [300 * 1024, 9 * 1024 * 1024]) {
      const text = Array.from({ length: size / 32 }, (_, i) => `${i}`.padStart(31, '.')).join('\n');
      const lone = batch(text);
      const out = await gzipCodec.decompress(recordsOf(lone.bytes, 0, lone.bytes.length));
      expect(out.length).toBe(Buffer.byteLength(text));
      expect(out.toString()).toBe(text);
    }
  });

  it('does not trust a trailer that claims far more than its input inflates to (no 8 MiB chunk kept alive by a few bytes)', async () => {
    const honest = gzipSync(Buffer.from('small batch'));
    // Four bytes after the member: zlib ignores them, the trailer read says 8 MiB.
    const lying = Buffer.concat([honest, Buffer.from([0, 0, 0x80, 0])]);
    const out = await gzipCodec.decompress(lying);
    expect(out.toString()).toBe('small batch');
    expect(out.buffer.byteLength).toBeLessThan(1024 * 1024);
  });

  it('frees a decompressed batch its records are released from, and leaves memory it did not decompress alone', async () => {
    const text = 'x'.repeat(100_000);
    const lone = batch(text);
    const out = await gzipCodec.decompress(recordsOf(lone.bytes, 0, lone.bytes.length));
    // kafkajs decodes records as views of the decompressed batch.
    const records = [
      { key: out.subarray(0, 4), value: out.subarray(4, 50_000) },
      { key: null, value: out.subarray(50_000) },
    ];
    // A small buffer lies in Node's pool, shared with others; a large one is its own.
    const pooled = Buffer.from('pooled value');
    const own = Buffer.alloc(100_000, 1);
    releaseDecompressed([...records, { key: null, value: pooled }, { key: null, value: own }]);
    expect([out.length, records[0]?.value.length, records[1]?.value.length]).toEqual([0, 0, 0]);
    expect(pooled.toString()).toBe('pooled value');
    expect(own.length).toBe(100_000);
    // Released twice: nothing left to free.
    expect(() => releaseDecompressed(records)).not.toThrow();
  });
});
