import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvReject } from '../csv/csv-reject.js';
import { readOlistCsvOptionsSchema } from '../csv/options.js';
import { readRecordBatches } from '../csv/read-record-batches.js';
import type { ReadRecordOptions } from '../csv/record-batcher.js';
import { isOrderstreamError } from '../errors/orderstream-error.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';
import { columnBatchRows } from '../warehouse/column-batch.js';
import type { WarehouseRow } from '../warehouse/warehouse.js';
import { readColumnBatches } from './byte-reader.js';
import { ColumnBatchBuilder } from './column-batch-builder.js';

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-byte-reader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Outcome = { rows: WarehouseRow[]; rejects: CsvReject[] } | { error: string };

const BATCH = 7;

async function collect(
  table: OlistTableKey,
  path: string,
  read: typeof readColumnBatches | typeof readRecordBatches,
  options: Partial<ReadRecordOptions>,
): Promise<Outcome> {
  const builder = new ColumnBatchBuilder(OLIST_TABLES[table], BATCH);
  const resolved: ReadRecordOptions = {
    ...readOlistCsvOptionsSchema.parse({ batchSize: BATCH, maxRecordLength: 1024 }),
    timestamps: 'millis',
    ...options,
  };
  const rows: WarehouseRow[] = [];
  const rejects: CsvReject[] = [];
  try {
    for await (const batch of read(table, path, resolved, builder)) {
      expect(batch.rows.batch.rowCount + batch.rejects.length).toBeLessThanOrEqual(BATCH);
      rows.push(...columnBatchRows(batch.rows.batch, OLIST_TABLES[table]));
      rejects.push(...batch.rejects);
    }
  } catch (error) {
    return { error: isOrderstreamError(error) ? `${error.code}: ${error.message}` : String(error) };
  }
  return { rows, rejects };
}

// Values for each kind of column: mostly valid ones, then every shape the byte path must either
// take as the string path does or leave to it.
const id = fc.stringMatching(/^[0-9a-f]{32}$/);
const odd = fc.constantFrom(
  '',
  '""',
  '"say ""hi"""',
  '"line\nbreak"',
  '"crlf\r\nin"',
  '"a,b"',
  'a"b',
  '"x"y',
  '\r',
  'x\ry',
  'São Paulo',
  '\uFFFD',
  'x'.repeat(300),
  'nope',
  '-',
  '1e',
  '"',
);
const INVALID_UTF8 = '\u0000INVALID\u0000';
const valueFor = (kind: string) => {
  const valid: Record<string, fc.Arbitrary<string>> = {
    id: fc.oneof(
      id,
      id.map((value) => `"${value}"`),
    ),
    zip: fc.oneof(
      fc.stringMatching(/^\d{5}$/),
      fc.stringMatching(/^\d{5}$/).map((v) => `"${v}"`),
    ),
    state: fc.constantFrom('SP', 'RJ', 'sp', 'S'),
    text: fc.constantFrom('sao paulo', 'são paulo', '"rio, de janeiro"', 'x', INVALID_UTF8, 'caf\uFFFD'),
    float: fc.oneof(
      fc.double({ min: -90, max: 90, noNaN: true }).map(String),
      fc.constantFrom('-23.573287660430378', '1e5', '-0', '00.50', '1.', '.5'),
    ),
    integer: fc.oneof(
      fc.integer({ min: -5, max: 99999 }).map(String),
      fc.constantFrom('-0', '9007199254740993'),
    ),
    money: fc.constantFrom('58.90', '7', '-0.5', '0.123', '1.2.3', '12345678901234.56', '-0'),
    timestamp: fc.constantFrom(
      '2017-10-02 10:56:33',
      '2016-02-29T00:00:00',
      '2017-02-29 00:00:00',
      '0017-10-18 00:00:00',
      '2017-10-02 24:00:00',
    ),
    status: fc.constantFrom('delivered', 'shipped', 'Delivered', 'lost'),
    score: fc.constantFrom('1', '5', '0', '6', 'x'),
  };
  return fc.oneof(
    { weight: 8, arbitrary: valid[kind] as fc.Arbitrary<string> },
    { weight: 1, arbitrary: odd },
  );
};

const TABLES: { table: OlistTableKey; kinds: string[] }[] = [
  { table: 'geolocation', kinds: ['zip', 'float', 'float', 'text', 'state'] },
  { table: 'orderItems', kinds: ['id', 'integer', 'id', 'id', 'timestamp', 'money', 'money'] },
  {
    table: 'orders',
    kinds: ['id', 'id', 'status', 'timestamp', 'timestamp', 'timestamp', 'timestamp', 'timestamp'],
  },
  {
    table: 'orderReviews',
    kinds: ['id', 'id', 'score', 'text', 'text', 'timestamp', 'timestamp'],
  },
];

/** A file's bytes: a header, records, and all sorts of line endings, blank lines and defects. */
const fileFor = (table: OlistTableKey, kinds: string[]) => {
  const header = OLIST_TABLES[table].header;
  const record = fc
    .tuple(
      fc.tuple(...kinds.map(valueFor)),
      fc.constantFrom('\n', '\n', '\n', '\r\n', '\n\n', '\r\n\r\n'),
      fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 0, -1, 1),
    )
    .map(([values, end, extra]) => {
      const fields = extra < 0 ? values.slice(0, -1) : extra > 0 ? [...values, 'more'] : values;
      return fields.join(',') + end;
    });
  return fc
    .tuple(
      fc.constantFrom('', '', '', '\uFEFF'),
      fc.constantFrom(
        header.map((name) => `"${name}"`).join(','),
        header.join(','),
        header.join(','),
        `${header.join(',')},extra`,
      ),
      fc.constantFrom('\n', '\r\n'),
      fc.array(record, { maxLength: 40 }),
      fc.boolean(),
    )
    .map(([bom, head, end, records, trailing]) => {
      let body = bom + head + end + records.join('');
      if (!trailing) body = body.replace(/\r?\n$/, '');
      // Invalid UTF-8: a lone continuation byte and a truncated sequence.
      const parts = body.split(INVALID_UTF8);
      return Buffer.concat(
        parts.flatMap((part, index) =>
          index === 0
            ? [Buffer.from(part, 'utf8')]
            : [Buffer.from([0x80, 0x41, 0xc3]), Buffer.from(part, 'utf8')],
        ),
      );
    });
};

describe('readColumnBatches', () => {
  for (const { table, kinds } of TABLES) {
    it(`${table}: yields what the string reader yields, record for record, whatever the chunks`, async () => {
      await fc.assert(
        fc.asyncProperty(fileFor(table, kinds), fc.integer({ min: 1, max: 97 }), async (bytes, chunkSize) => {
          const path = join(dir, `${table}-${fileCount++}.csv`);
          await writeFile(path, bytes);
          const expected = await collect(table, path, readRecordBatches, {});
          const actual = await collect(table, path, readColumnBatches, { chunkSize });
          expect(actual).toEqual(expected);
          await rm(path);
        }),
        { numRuns: 150, seed: 26_11_2026 },
      );
    });
  }

  it('rejects as the string reader does and hands the rest of the file to it at a broken quote', async () => {
    const header = OLIST_TABLES.geolocation.header.map((name) => `"${name}"`).join(',');
    const good = '"01037",-23.54562128115268,-46.63929204800168,sao paulo,SP';
    const lines = [
      header,
      good,
      '"01037",-23.5,-46.6,caf\uFFFD,SP',
      '"01037",-23.5,-46.6,"bad"quote,SP',
      good,
      '"0103,1,2,x,SP',
      good,
    ];
    const path = join(dir, 'geolocation-broken.csv');
    await writeFile(path, `${lines.join('\n')}\n`);
    const expected = await collect('geolocation', path, readRecordBatches, {});
    const actual = await collect('geolocation', path, readColumnBatches, {});
    expect(actual).toEqual(expected);
    if ('error' in actual) throw new Error(actual.error);
    expect(actual.rows).toHaveLength(2);
    expect(actual.rejects.map((reject) => [reject.line, reject.code])).toEqual([
      // A literal U+FFFD: the string reader cannot tell it from a byte that was not UTF-8.
      [3, 'CSV_INVALID_UTF8'],
      [4, 'CSV_MALFORMED_QUOTE'],
      [6, 'CSV_MALFORMED_QUOTE'],
    ]);
  });
});
