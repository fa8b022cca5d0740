import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvItem, splitCsvRecords, splitCsvRecordsWithCsvParse } from './record-splitter.js';
import { isWellQuoted } from './record-text.js';

async function collect(
  split: (source: AsyncIterable<Buffer>, max: number) => AsyncGenerator<CsvItem[]>,
  chunks: readonly Buffer[],
  max = 1_048_576,
): Promise<CsvItem[]> {
  async function* source(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  const items: CsvItem[] = [];
  for await (const run of split(source(), max)) items.push(...run);
  return items;
}

/** Cuts bytes into chunks at the given points (duplicates and out-of-range points are ignored). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...at, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

/** What both paths must agree on (`clean` is the fast path's own shortcut). */
function comparable(items: readonly CsvItem[]): unknown[] {
  return items.map((item) =>
    item.kind === 'record'
      ? { kind: item.kind, values: item.values, body: item.body, line: item.line }
      : { kind: item.kind, code: item.code, body: item.body, line: item.line },
  );
}

// Pieces that make up CSV text, weighted towards what real files hold but reaching every quirk.
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'bc', '12', 'São', 'x y', '') },
  { weight: 4, arbitrary: fc.constantFrom(',', '\n', '\r\n') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('"q"', '"a,b"', '"line\nbreak"', '"crlf\r\nin"', '"say ""hi"""', '""'),
  },
  { weight: 1, arbitrary: fc.constantFrom('"', '\r', 'a"b', '"x"y', '\n\n', '\r\n\r\n', '\uFEFF', '�') },
);
const csvText = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));

describe('splitCsvRecords', () => {
  it('splits a clean file like csv-parse, with line numbers, whatever the chunk boundaries', async () => {
    const text = 'h1,h2,h3\r\n"1a",b,c\n\n"multi\nline","x ""y""",\r\nlast,"",z';
    const bytes = Buffer.from(text, 'utf8');
    const expected = [
      { kind: 'record', values: ['h1', 'h2', 'h3'], body: 'h1,h2,h3', line: 1 },
      { kind: 'record', values: ['1a', 'b', 'c'], body: '"1a",b,c', line: 2 },
      { kind: 'record', values: ['multi\nline', 'x "y"', ''], body: '"multi\nline","x ""y""",', line: 4 },
      { kind: 'record', values: ['last', '', 'z'], body: 'last,"",z', line: 6 },
    ];
    expect(comparable(await collect(splitCsvRecords, [bytes]))).toEqual(expected);
    for (let at = 1; at < bytes.length; at++) {
      expect(comparable(await collect(splitCsvRecords, cut(bytes, [at])))).toEqual(expected);
    }
    expect(comparable(await collect(splitCsvRecordsWithCsvParse, [bytes]))).toEqual(expected);
  });

  it('marks only records it has verified as clean', async () => {
    const items = await collect(splitCsvRecords, [Buffer.from('a,b\n"ok",1\nbad"quote,2\n"c",3\n')]);
    const records = items.filter((item) => item.kind === 'record');
    expect(records.map((r) => r.clean)).toEqual([true, true, false, false]);
  });

  it('gives the same items as csv-parse alone on any text, cut into any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvText,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        async (text, points, bom) => {
          const bytes = Buffer.concat([
            bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
            Buffer.from(text),
          ]);
          const fast = await collect(splitCsvRecords, cut(bytes, points));
          const slow = await collect(splitCsvRecordsWithCsvParse, [bytes]);
          expect(comparable(fast)).toEqual(comparable(slow));
          for (const item of fast) {
            if (item.kind === 'record' && item.clean) {
              expect(isWellQuoted(item.body)).toBe(true);
              expect(item.body.includes('\uFFFD')).toBe(false);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('agrees with csv-parse on invalid UTF-8 cut inside a character and on a small record limit', async () => {
    const latin1 = Buffer.concat([Buffer.from('a,b\nS'), Buffer.from([0xe3]), Buffer.from('o,1\n"é",2\n')]);
    for (let at = 1; at < latin1.length; at++) {
      const fast = await collect(splitCsvRecords, cut(latin1, [at]));
      expect(comparable(fast)).toEqual(comparable(await collect(splitCsvRecordsWithCsvParse, [latin1])));
    }
    const long = Buffer.from(`a,b\n${'x'.repeat(1500)},1\nc,2\n`);
    const fast = await collect(splitCsvRecords, [long], 1024);
    expect(comparable(fast)).toEqual(comparable(await collect(splitCsvRecordsWithCsvParse, [long], 1024)));
    expect(fast.at(-1)).toMatchObject({ kind: 'error', code: 'CSV_MAX_RECORD_SIZE', line: 2 });
  });
});
