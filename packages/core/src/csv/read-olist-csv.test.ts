import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOrderstreamError, type OrderstreamError } from '../errors/orderstream-error.js';
import type { OlistTableKey } from '../olist/olist-tables.js';
import type { CsvReject } from './csv-reject.js';
import { type OlistRow, readOlistCsv } from './read-olist-csv.js';

const SELLERS = 'seller_id,seller_zip_code_prefix,seller_city,seller_state';
const REVIEWS =
  'review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,review_answer_timestamp';
const ID_A = '3442f8959a84dea7ee197c632cb2df15';
const ID_B = 'd1b65fc7debc3361ea86b5f14c68d2e2';
const ID_C = 'ce3ad9de960102d0677a81f5d0bb7b2d';
const TS = '2018-01-18 00:00:00';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orderstream-csv-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileNo = 0;
async function writeCsv(content: string | Buffer): Promise<string> {
  fileNo += 1;
  const path = join(dir, `f${fileNo}.csv`);
  await writeFile(path, content);
  return path;
}

interface ReadResult<K extends OlistTableKey> {
  rows: OlistRow<K>[];
  rejects: CsvReject[];
  batches: number;
  bytesRead: number;
}

async function readAll<K extends OlistTableKey>(
  table: K,
  content: string | Buffer,
  options: { batchSize?: number; maxRecordLength?: number } = {},
): Promise<ReadResult<K>> {
  const path = await writeCsv(content);
  const result: ReadResult<K> = { rows: [], rejects: [], batches: 0, bytesRead: 0 };
  for await (const batch of readOlistCsv(table, path, options)) {
    result.rows.push(...batch.rows);
    result.rejects.push(...batch.rejects);
    result.batches += 1;
    result.bytesRead = batch.bytesRead;
  }
  return result;
}

async function readError(table: OlistTableKey, path: string): Promise<OrderstreamError> {
  try {
    for await (const _ of readOlistCsv(table, path)) {
      // drain
    }
  } catch (error) {
    if (isOrderstreamError(error)) return error;
    throw error;
  }
  throw new Error('expected the read to fail');
}

/** Asserts the reader's invariant against the number of records the fixture was written with. */
function expectAllAccountedFor(result: ReadResult<OlistTableKey>, records: number): void {
  expect(result.rows.length + result.rejects.length).toBe(records);
}

const lines = (...values: string[]) => `${values.join('\n')}\n`;

describe('readOlistCsv: accepted shapes', () => {
  it('reads LF files, keeping zip prefixes as text with their leading zeros', async () => {
    const result = await readAll(
      'sellers',
      lines(SELLERS, `${ID_A},01037,sao paulo,SP`, `${ID_B},13023,campinas,SP`),
    );
    expect(result.rows).toEqual([
      { seller_id: ID_A, seller_zip_code_prefix: '01037', seller_city: 'sao paulo', seller_state: 'SP' },
      { seller_id: ID_B, seller_zip_code_prefix: '13023', seller_city: 'campinas', seller_state: 'SP' },
    ]);
    expect(result.rejects).toEqual([]);
    expectAllAccountedFor(result, 2);
  });

  it('reads CRLF files like LF files', async () => {
    const result = await readAll(
      'sellers',
      `${SELLERS}\r\n${ID_A},01037,sao paulo,SP\r\n${ID_B},13023,campinas,SP\r\n`,
    );
    expect(result.rows.map((row) => row.seller_city)).toEqual(['sao paulo', 'campinas']);
    expect(result.rejects).toEqual([]);
  });

  it('reads files mixing CRLF and LF, and a last line without a line break', async () => {
    const result = await readAll(
      'sellers',
      `${SELLERS}\r\n${ID_A},01037,sao paulo,SP\n${ID_B},13023,campinas,SP`,
    );
    expect(result.rows.map((row) => row.seller_state)).toEqual(['SP', 'SP']);
    expect(result.rejects).toEqual([]);
  });

  it('skips a UTF-8 BOM before the header (the translation file has one)', async () => {
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('product_category_name,product_category_name_english\r\nbeleza_saude,health_beauty\r\n'),
    ]);
    const result = await readAll('categoryTranslation', content);
    expect(result.rows).toEqual([
      { product_category_name: 'beleza_saude', product_category_name_english: 'health_beauty' },
    ]);
  });

  it('treats a quoted value and the same bare value alike (ids are quoted when they start with a digit)', async () => {
    const digitId = '0015a82c2db000af6aaaf3ae2ecb0532';
    const result = await readAll(
      'sellers',
      lines(SELLERS, `"${digitId}","01037","sao paulo","SP"`, `${digitId},01037,sao paulo,SP`),
    );
    expect(result.rows).toHaveLength(2);
    expect(result.rows[0]).toEqual(result.rows[1]);
    expect(result.rows[0]?.seller_id).toBe(digitId);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields, and accents', async () => {
    const message = 'Recebi bem antes do prazo, "ótimo".\nRecomendo!\r\nNota 10';
    const quoted = `"${message.replace(/"/g, '""')}"`;
    const result = await readAll(
      'orderReviews',
      lines(REVIEWS, `${ID_A},${ID_B},5,"Ótimo, chegou",${quoted},${TS},${TS}`),
    );
    expect(result.rejects).toEqual([]);
    expect(result.rows[0]?.review_comment_message).toBe(message);
    expect(result.rows[0]?.review_comment_title).toBe('Ótimo, chegou');
  });

  it('turns empty fields (bare or quoted) into null for nullable columns', async () => {
    const result = await readAll('orderReviews', lines(REVIEWS, `${ID_A},${ID_B},4,,"",${TS},${TS}`));
    expect(result.rejects).toEqual([]);
    expect(result.rows[0]?.review_comment_title).toBeNull();
    expect(result.rows[0]?.review_comment_message).toBeNull();
  });

  it('parses values with the table schema: integer cents, Dates, integers', async () => {
    const header = 'order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value';
    const result = await readAll(
      'orderItems',
      lines(header, `${ID_A},2,${ID_B},${ID_C},2017-09-19 09:45:35,58.9,13.29`),
    );
    expect(result.rows[0]).toEqual({
      order_id: ID_A,
      order_item_id: 2,
      product_id: ID_B,
      seller_id: ID_C,
      shipping_limit_date: new Date(Date.UTC(2017, 8, 19, 9, 45, 35)),
      price: 5890,
      freight_value: 1329,
    });
  });

  it('yields batches of at most batchSize records and reports the bytes read', async () => {
    const content = lines(
      SELLERS,
      ...[1, 2, 3, 4, 5].map((n) => `${ID_A},0103${n},sao paulo,${n === 3 ? 'S' : 'SP'}`),
    );
    const result = await readAll('sellers', content, { batchSize: 2 });
    expect(result.batches).toBe(3);
    expect(result.rows).toHaveLength(4);
    expect(result.rejects).toHaveLength(1);
    expect(result.bytesRead).toBe(Buffer.byteLength(content));
  });

  it('reads a header-only file as zero records', async () => {
    const result = await readAll('sellers', lines(SELLERS));
    expect(result.rows).toEqual([]);
    expect(result.rejects).toEqual([]);
  });
});

describe('readOlistCsv: rejects carry file, line, field, code, reason and raw text', () => {
  it('rejects bad rows at the first, middle and last position with their physical line numbers', async () => {
    const path = await writeCsv(
      lines(
        SELLERS,
        `${ID_A},1037,sao paulo,SP`, // line 2: 4-digit zip
        `${ID_B},13023,campinas,SP`,
        `${ID_C},13023,campinas,sp`, // line 4: lowercase state
        `${ID_A},13023,campinas,SP`,
        `not-an-id,13023,campinas,SP`, // line 6: bad id
      ),
    );
    const rejects: CsvReject[] = [];
    let rows = 0;
    for await (const batch of readOlistCsv('sellers', path)) {
      rejects.push(...batch.rejects);
      rows += batch.rows.length;
    }
    expect(rows + rejects.length).toBe(5);
    expect(rejects.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 2, field: 'seller_zip_code_prefix', code: 'CSV_INVALID_VALUE' },
      { line: 4, field: 'seller_state', code: 'CSV_INVALID_VALUE' },
      { line: 6, field: 'seller_id', code: 'CSV_INVALID_VALUE' },
    ]);
    expect(rejects[0]).toMatchObject({
      file: path.split('/').pop(),
      raw: `${ID_A},1037,sao paulo,SP`,
    });
    expect(rejects[0]?.reason).toContain('seller_zip_code_prefix');
    expect(rejects[0]?.reason).toContain('"1037"');
  });

  it('counts the lines of a multi-line quoted field (LF and CRLF) in later line numbers', async () => {
    const result = await readAll(
      'orderReviews',
      [
        REVIEWS,
        `${ID_A},${ID_B},5,,"one\ntwo\r\nthree",${TS},${TS}`, // lines 2-4
        `${ID_B},${ID_C},9,,,${TS},${TS}`, // line 5: score is fine as an integer
        `${ID_C},${ID_A},4,,"a\n""b""",${TS},not a date`, // lines 6-7
        `${ID_A},${ID_C},4,,,${TS},${TS}`,
        '',
      ].join('\r\n'),
    );
    expect(result.rows).toHaveLength(3);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]).toMatchObject({
      line: 6,
      field: 'review_answer_timestamp',
      code: 'CSV_INVALID_VALUE',
      raw: `${ID_C},${ID_A},4,,"a\n""b""",${TS},not a date`,
    });
    expectAllAccountedFor(result, 4);
  });

  it('counts skipped blank lines in line numbers', async () => {
    const result = await readAll(
      'sellers',
      `${SELLERS}\n\n${ID_A},01037,sao paulo,SP\r\n\r\n\n${ID_B},bad,x,SP\n\n`,
    );
    expect(result.rows).toHaveLength(1);
    expect(result.rejects.map((reject) => reject.line)).toEqual([6]);
  });

  it('rejects an empty required field as CSV_MISSING_VALUE naming the column', async () => {
    const result = await readAll('sellers', lines(SELLERS, `${ID_A},01037,,SP`));
    expect(result.rejects).toEqual([
      {
        file: expect.any(String),
        line: 2,
        field: 'seller_city',
        code: 'CSV_MISSING_VALUE',
        reason: 'seller_city: required value is empty',
        raw: `${ID_A},01037,,SP`,
      },
    ]);
  });

  it('rejects records with too few or too many fields as CSV_COLUMN_COUNT and reads on', async () => {
    const result = await readAll(
      'sellers',
      lines(
        SELLERS,
        `${ID_A},01037,sao paulo`,
        `${ID_B},01037,sao paulo,SP,extra`,
        `${ID_C},01037,sao paulo,SP`,
      ),
    );
    expect(result.rows.map((row) => row.seller_id)).toEqual([ID_C]);
    expect(result.rejects.map(({ line, field, code, reason }) => ({ line, field, code, reason }))).toEqual([
      { line: 2, field: null, code: 'CSV_COLUMN_COUNT', reason: 'expected 4 fields, found 3' },
      { line: 3, field: null, code: 'CSV_COLUMN_COUNT', reason: 'expected 4 fields, found 5' },
    ]);
  });

  it('rejects records holding invalid UTF-8 (a Latin-1 file) as CSV_INVALID_UTF8 and reads on', async () => {
    const content = Buffer.concat([
      Buffer.from(`${SELLERS}\n${ID_A},01037,s`),
      Buffer.from([0xe3]), // "ã" in Latin-1
      Buffer.from(`o paulo,SP\n${ID_B},01037,são paulo,SP\n`),
    ]);
    const result = await readAll('sellers', content);
    expect(result.rows.map((row) => row.seller_city)).toEqual(['são paulo']);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]).toMatchObject({ line: 2, field: 'seller_city', code: 'CSV_INVALID_UTF8' });
    expectAllAccountedFor(result, 2);
  });

  it('rejects malformed quoting (quote in a bare field, text after a closing quote) and reads on', async () => {
    const result = await readAll(
      'sellers',
      lines(
        SELLERS,
        `${ID_A},01037,sao "paulo,SP`,
        `${ID_B},"01037"x,campinas,SP`,
        `${ID_C},01037,"sao ""paulo""",SP`,
      ),
    );
    expect(result.rows.map((row) => row.seller_city)).toEqual(['sao "paulo"']);
    expect(result.rejects.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 2, field: null, code: 'CSV_MALFORMED_QUOTE' },
      { line: 3, field: null, code: 'CSV_MALFORMED_QUOTE' },
    ]);
  });

  it('rejects a quote that never closes as one last record holding the rest of the file', async () => {
    const result = await readAll(
      'sellers',
      lines(
        SELLERS,
        `${ID_A},01037,sao paulo,SP`,
        `${ID_B},01037,"campinas,SP`,
        `${ID_C},01037,sao paulo,SP`,
      ),
    );
    expect(result.rows).toHaveLength(1);
    expect(result.rejects).toEqual([
      {
        file: expect.any(String),
        line: 3,
        field: null,
        code: 'CSV_UNCLOSED_QUOTE',
        reason: expect.stringContaining('never closed'),
        raw: `${ID_B},01037,"campinas,SP\n${ID_C},01037,sao paulo,SP`,
      },
    ]);
    expectAllAccountedFor(result, 2);
  });

  it('stops at a record longer than maxRecordLength with CSV_RECORD_TOO_LARGE', async () => {
    const result = await readAll(
      'sellers',
      lines(
        SELLERS,
        `${ID_A},01037,sao paulo,SP`,
        `${ID_B},01037,"campinas`,
        ...Array(200).fill(`${ID_C},01037,x,SP`),
      ),
      { maxRecordLength: 1024 },
    );
    expect(result.rows).toHaveLength(1);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]).toMatchObject({ line: 3, field: null, code: 'CSV_RECORD_TOO_LARGE' });
  });

  it('rejects a last line truncated mid-record, mid-quote or mid-character (a cut-off download)', async () => {
    const good = `${ID_A},01037,sao paulo,SP`;
    const full = Buffer.from(lines(SELLERS, good, `${ID_B},01037,são paulo,SP`));
    const midRecord = await readAll('sellers', full.subarray(0, full.length - 6)); // "…,são pa"
    expect(midRecord.rows).toHaveLength(1);
    expect(midRecord.rejects[0]).toMatchObject({ line: 3, code: 'CSV_COLUMN_COUNT' });
    expectAllAccountedFor(midRecord, 2);

    const quoted = await readAll('sellers', `${lines(SELLERS, good)}${ID_B},01037,"são pa`);
    expect(quoted.rejects[0]).toMatchObject({ line: 3, code: 'CSV_UNCLOSED_QUOTE' });
    expectAllAccountedFor(quoted, 2);

    const cutAt = full.indexOf(Buffer.from('ã')) + 1; // between the two bytes of "ã"
    const midChar = await readAll('sellers', full.subarray(0, cutAt));
    expect(midChar.rejects[0]).toMatchObject({ line: 3, code: 'CSV_INVALID_UTF8' });
    expectAllAccountedFor(midChar, 2);
  });

  it('cuts the raw text kept in a reject to maxRawLength', async () => {
    const long = 'x'.repeat(10_000);
    const result = await readAll('sellers', lines(SELLERS, `${ID_A},01037,${long}`));
    expect(result.rejects[0]?.raw.length).toBeLessThan(4200);
    expect(result.rejects[0]?.raw).toContain('more characters]');
  });
});

describe('readOlistCsv: every record accounted for, at its line', () => {
  type Kind = 'good' | 'multiline' | 'badZip' | 'short' | 'badQuote' | 'latin1' | 'empty';
  const RECORDS: Record<Kind, { text: (eol: string) => Buffer; code: string | null; breaks: number }> = {
    good: { text: () => Buffer.from(`${ID_A},01037,sao paulo,SP`), code: null, breaks: 0 },
    multiline: {
      text: (eol) => Buffer.from(`${ID_B},01037,"sao${eol}paulo, ""SP""${eol}centro",SP`),
      code: null,
      breaks: 2,
    },
    badZip: { text: () => Buffer.from(`${ID_C},1037,sao paulo,SP`), code: 'CSV_INVALID_VALUE', breaks: 0 },
    short: { text: () => Buffer.from(`${ID_C},01037,sao paulo`), code: 'CSV_COLUMN_COUNT', breaks: 0 },
    badQuote: {
      text: () => Buffer.from(`${ID_C},01037,sao "paulo,SP`),
      code: 'CSV_MALFORMED_QUOTE',
      breaks: 0,
    },
    latin1: {
      text: () =>
        Buffer.concat([Buffer.from(`${ID_C},01037,s`), Buffer.from([0xe3]), Buffer.from('o paulo,SP')]),
      code: 'CSV_INVALID_UTF8',
      breaks: 0,
    },
    empty: { text: () => Buffer.from(`${ID_C},,sao paulo,SP`), code: 'CSV_MISSING_VALUE', breaks: 0 },
  };
  const record = fc.record({
    kind: fc.constantFrom(...(Object.keys(RECORDS) as Kind[])),
    eol: fc.constantFrom('\n', '\r\n'),
    blankLinesBefore: fc.nat({ max: 2 }),
  });

  it('holds records = rows + rejects with the right line numbers for any mix of records and line breaks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.boolean(), async (records, finalBreak) => {
        const parts: Buffer[] = [Buffer.from(`${SELLERS}\n`)];
        const expected: { line: number; code: string }[] = [];
        let line = 2;
        let good = 0;
        records.forEach(({ kind, eol, blankLinesBefore }, i) => {
          parts.push(Buffer.from(eol.repeat(blankLinesBefore)));
          line += blankLinesBefore;
          const spec = RECORDS[kind];
          parts.push(spec.text(eol));
          if (i < records.length - 1 || finalBreak) parts.push(Buffer.from(eol));
          if (spec.code === null) good += 1;
          else expected.push({ line, code: spec.code });
          line += 1 + spec.breaks;
        });
        const result = await readAll('sellers', Buffer.concat(parts), { batchSize: 3 });
        expect(result.rows.length + result.rejects.length).toBe(records.length);
        expect(result.rows).toHaveLength(good);
        expect(result.rejects.map(({ line, code }) => ({ line, code }))).toEqual(expected);
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe('readOlistCsv: stopping early', () => {
  const many = lines(SELLERS, ...Array.from({ length: 20_000 }, () => `${ID_A},01037,sao paulo,SP`));

  it('stops with the abort reason when the signal fires', async () => {
    const path = await writeCsv(many);
    const controller = new AbortController();
    const reason = new Error('stop now');
    let rows = 0;
    const reading = (async () => {
      for await (const batch of readOlistCsv('sellers', path, {
        batchSize: 1000,
        signal: controller.signal,
      })) {
        rows += batch.rows.length;
        controller.abort(reason);
      }
    })();
    await expect(reading).rejects.toBe(reason);
    expect(rows).toBe(1000);
  });

  it('releases the file when the caller breaks out of the loop', async () => {
    const path = await writeCsv(many);
    for await (const batch of readOlistCsv('sellers', path, { batchSize: 10 })) {
      expect(batch.rows).toHaveLength(10);
      break;
    }
    // Reading it again from the start works and sees every record.
    const result = await readAll('sellers', many);
    expect(result.rows).toHaveLength(20_000);
  });
});

describe('readOlistCsv: files that are not Olist files of the table', () => {
  it('throws CORE_CSV_HEADER_MISMATCH naming the file and the expected header', async () => {
    const path = await writeCsv(
      lines('seller_id,zip,seller_city,seller_state', `${ID_A},01037,sao paulo,SP`),
    );
    const error = await readError('sellers', path);
    expect(error.code).toBe('CORE_CSV_HEADER_MISMATCH');
    expect(error.message).toContain(path);
    expect(error.message).toContain(SELLERS);
    expect(error.details).toMatchObject({
      path,
      expected: SELLERS.split(','),
      found: ['seller_id', 'zip', 'seller_city', 'seller_state'],
    });
  });

  it('reads a UTF-16LE file with a BOM, and names a UTF-16 file without one as not UTF-8', async () => {
    const text = lines(SELLERS, `${ID_A},01037,são paulo,SP`);
    const withBom = await readAll(
      'sellers',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(withBom.rows.map((row) => row.seller_city)).toEqual(['são paulo']);
    const error = await readError('sellers', await writeCsv(Buffer.from(text, 'utf16le')));
    expect(error.code).toBe('CORE_CSV_HEADER_MISMATCH');
    expect(error.message).toContain('s\\x00e\\x00l\\x00l');
    expect(error.message).toContain('does not look like UTF-8');
    expect(error.message).not.toContain('\u0000');
  });

  it('throws CORE_CSV_HEADER_MISMATCH for a header with a column too few (it would shift every value)', async () => {
    const error = await readError(
      'sellers',
      await writeCsv(lines('seller_id,seller_zip_code_prefix,seller_city')),
    );
    expect(error.code).toBe('CORE_CSV_HEADER_MISMATCH');
  });

  it('throws CORE_CSV_HEADER_MISMATCH for an empty file (no header at all)', async () => {
    const path = await writeCsv('');
    const error = await readError('sellers', path);
    expect(error.code).toBe('CORE_CSV_HEADER_MISMATCH');
    expect(error.message).toContain('is empty');
    expect(error.message).toContain(SELLERS);
    const bomOnly = await readError('sellers', await writeCsv(Buffer.from([0xef, 0xbb, 0xbf, 0x0a])));
    expect(bomOnly.code).toBe('CORE_CSV_HEADER_MISMATCH');
  });

  it('throws CORE_FILE_NOT_FOUND naming the path of a missing file', async () => {
    const path = join(dir, 'missing.csv');
    const error = await readError('sellers', path);
    expect(error.code).toBe('CORE_FILE_NOT_FOUND');
    expect(error.message).toContain(path);
  });

  it('throws CORE_FILE_UNREADABLE for a folder or a file without read permission', async () => {
    expect((await readError('sellers', dir)).code).toBe('CORE_FILE_UNREADABLE');
    const path = await writeCsv(lines(SELLERS));
    await chmod(path, 0o000);
    const canStillRead = await stat(path).then(() => process.getuid?.() === 0);
    if (!canStillRead) expect((await readError('sellers', path)).code).toBe('CORE_FILE_UNREADABLE');
  });

  it('throws CORE_UNKNOWN_TABLE and CORE_INVALID_OPTIONS at the call', () => {
    expect(() => readOlistCsv('nope' as OlistTableKey, 'x.csv')).toThrowError(
      expect.objectContaining({ code: 'CORE_UNKNOWN_TABLE' }),
    );
    expect(() => readOlistCsv('sellers', 'x.csv', { batchSize: 0 })).toThrowError(
      expect.objectContaining({ code: 'CORE_INVALID_OPTIONS' }),
    );
  });
});
