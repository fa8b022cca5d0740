import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OlistTableKey } from '../schema/olist-tables.js';
import { readOlistCsv } from './read-olist-csv.js';
import {
  dir,
  expectAllAccountedFor,
  ID_A,
  ID_B,
  ID_C,
  lines,
  REVIEWS,
  readAll,
  readError,
  SELLERS,
  TS,
  useCsvDir,
  writeCsv,
} from './read-olist-csv-fixtures.js';

useCsvDir();

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
