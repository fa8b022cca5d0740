import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CsvReject } from './csv-reject.js';
import { readOlistCsv } from './read-olist-csv.js';
import {
  expectAllAccountedFor,
  ID_A,
  ID_B,
  ID_C,
  lines,
  REVIEWS,
  readAll,
  SELLERS,
  TS,
  useCsvDir,
  writeCsv,
} from './read-olist-csv-fixtures.js';

useCsvDir();

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
