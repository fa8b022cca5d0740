import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CsvReject, LoadHistoryResult, OlistTableKey } from '@orderstream/core';
import { generateOlistDataset, loadHistory, OLIST_TABLES, readOlistCsv } from '@orderstream/core';
import { createDuckDbWarehouse } from '@orderstream/duckdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bySize, printReconciliation } from './support/input-kit.js';

const ORDERS = bySize(600, 20_000);

interface ExpectedReject {
  readonly line: number;
  readonly code: string;
  readonly field?: string | null;
}

/** One tampered file: what was done, its data records, and the rejects it must produce. */
interface Tampering {
  readonly table: OlistTableKey;
  readonly what: string;
  /** Data records in the file by CSV rules (an unclosed quote makes the rest one record). */
  readonly records: number;
  readonly rejects: readonly ExpectedReject[];
}

const file = (dir: string, table: OlistTableKey) => join(dir, OLIST_TABLES[table].file);
/** The file's text split into its physical lines, without the final empty one. */
const physicalLines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('malformed CSV rows through loadHistory into DuckDB', () => {
  let dir = '';
  const tampered: Tampering[] = [];
  let itemsPriceCents = 0;
  let orderIds = new Set<string>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orderstream-faults-csv-'));
    const generated = await generateOlistDataset({ outDir: dir, orders: ORDERS, seed: 77 });

    // orders: a defect first, several in the middle, one last (without "\n"); CRLF on every third line.
    {
      const [header, ...rows] = physicalLines(await readFile(file(dir, 'orders'), 'utf8'));
      const take = (i: number) => rows[i] as string;
      const cols = (i: number) => take(i).split(',');
      const middle = Math.floor(rows.length / 2);
      const out: Buffer[] = [Buffer.from(header as string)];
      const expected: ExpectedReject[] = [];
      const bad = (text: string | Buffer, code: string, field: string | null = null) => {
        out.push(Buffer.isBuffer(text) ? text : Buffer.from(text));
        expected.push({ line: out.length, code, field });
      };
      const ids = new Set<string>();
      bad(`${take(0)},surplus`, 'CSV_COLUMN_COUNT');
      for (let i = 1; i < rows.length - 1; i++) {
        if (i !== middle) {
          out.push(Buffer.from(i % 3 === 0 ? `${take(i)}\r` : take(i)));
          ids.add(cols(i)[0]?.replaceAll('"', '') ?? '');
          continue;
        }
        const c = cols(i);
        bad(c.slice(0, -1).join(','), 'CSV_COLUMN_COUNT');
        bad(
          [...c.slice(0, 3), '2017-13-45 25:61:00', ...c.slice(4)].join(','),
          'CSV_INVALID_VALUE',
          'order_purchase_timestamp',
        );
        bad([...c.slice(0, 2), 'teleported', ...c.slice(3)].join(','), 'CSV_INVALID_VALUE', 'order_status');
        bad(['', ...c.slice(1)].join(','), 'CSV_MISSING_VALUE', 'order_id');
        bad([`ab"c${i}`, ...c.slice(1)].join(','), 'CSV_MALFORMED_QUOTE');
        out.push(Buffer.alloc(0)); // a blank line: no record, but it counts as a line
        // Latin-1 bytes (0xE3 is "ã" there) inside one record: not UTF-8.
        bad(
          Buffer.from([c[0], 'S\xe3o', ...c.slice(2)].join(','), 'latin1'),
          'CSV_INVALID_UTF8',
          'customer_id',
        );
      }
      bad(
        [...cols(rows.length - 1).slice(0, 7), 'not a date'].join(','),
        'CSV_INVALID_VALUE',
        'order_estimated_delivery_date',
      );
      const joined: Buffer[] = [];
      for (const [i, line] of out.entries()) joined.push(...(i === 0 ? [line] : [Buffer.from('\n'), line]));
      await writeFile(file(dir, 'orders'), Buffer.concat(joined));
      orderIds = ids;
      tampered.push({
        table: 'orders',
        what: 'defects first, in the middle and last (no final newline), CRLF mix, a blank line, Latin-1 bytes',
        records: out.length - 2, // minus the header and the blank line
        rejects: expected,
      });
    }

    // customers: the whole file re-encoded as Latin-1; only records with non-ASCII text break.
    {
      const lines = physicalLines(await readFile(file(dir, 'customers'), 'utf8'));
      // Accented city names on every 40th record, as the real data has them.
      for (let i = 7; i < lines.length; i += 40)
        lines[i] = (lines[i] as string).replace(/,([^,]*),([A-Z]{2})$/, ',são joão del rei,$2');
      const text = `${lines.join('\n')}\n`;
      const expected = lines.flatMap((l, i) =>
        i > 0 && [...l].some((ch) => ch.charCodeAt(0) > 0x7f)
          ? [{ line: i + 1, code: 'CSV_INVALID_UTF8' }]
          : [],
      );
      await writeFile(file(dir, 'customers'), Buffer.from(text, 'latin1'));
      tampered.push({
        table: 'customers',
        what: 'whole file in Latin-1',
        records: lines.length - 1,
        rejects: expected,
      });
    }

    // sellers: a UTF-8 BOM and CRLF everywhere — all of it must load.
    {
      const lines = physicalLines(await readFile(file(dir, 'sellers'), 'utf8'));
      await writeFile(file(dir, 'sellers'), `\ufeff${lines.join('\r\n')}\r\n`);
      tampered.push({
        table: 'sellers',
        what: 'UTF-8 BOM, CRLF line breaks',
        records: lines.length - 1,
        rejects: [],
      });
    }

    // products: UTF-16LE with its BOM — documented as decoded.
    {
      const lines = physicalLines(await readFile(file(dir, 'products'), 'utf8'));
      await writeFile(
        file(dir, 'products'),
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf16le')]),
      );
      tampered.push({ table: 'products', what: 'UTF-16LE with BOM', records: lines.length - 1, rejects: [] });
    }

    // order_items: truncated in the middle of its last record, as a copy cut short.
    {
      const text = await readFile(file(dir, 'orderItems'), 'utf8');
      const lines = physicalLines(text);
      const lastLine = lines.at(-1) as string;
      const cut = text.length - 1 - lastLine.length + lastLine.indexOf(',', lastLine.length / 2);
      await writeFile(file(dir, 'orderItems'), text.slice(0, cut));
      for (const l of lines.slice(1, -1)) {
        const price = l.split(',')[5] as string;
        itemsPriceCents += Math.round(Number(price) * 100);
      }
      tampered.push({
        table: 'orderItems',
        what: 'truncated mid-record',
        records: lines.length - 1,
        rejects: [{ line: lines.length, code: 'CSV_COLUMN_COUNT' }],
      });
    }

    // order_payments: a quote opened in the middle and never closed: the rest of the file is that record.
    {
      const lines = physicalLines(await readFile(file(dir, 'orderPayments'), 'utf8'));
      const at = Math.floor(lines.length / 2);
      // Ids that start with a digit are quoted; unquote the rest of the file so nothing closes the quote.
      for (let i = at; i < lines.length; i++) lines[i] = (lines[i] as string).replaceAll('"', '');
      lines[at] = `"${lines[at]}`;
      await writeFile(file(dir, 'orderPayments'), `${lines.join('\n')}\n`);
      tampered.push({
        table: 'orderPayments',
        what: 'unclosed quote in the middle',
        records: at,
        rejects: [{ line: at + 1, code: 'CSV_UNCLOSED_QUOTE' }],
      });
    }

    // order_reviews (quoted line breaks inside comments): a bad record after all of them, numbered right.
    {
      const lines = generated.files.orderReviews.lines;
      await writeFile(
        file(dir, 'orderReviews'),
        `${await readFile(file(dir, 'orderReviews'), 'utf8')}only,three,fields\n`,
      );
      tampered.push({
        table: 'orderReviews',
        what: 'a short record after multi-line ones',
        records: generated.files.orderReviews.rows + 1,
        rejects: [{ line: lines + 1, code: 'CSV_COLUMN_COUNT' }],
      });
    }

    // category translation: UTF-16BE without a BOM cannot be recognised: a typed error, not garbage rows.
    {
      const text = await readFile(file(dir, 'categoryTranslation'), 'utf8');
      await writeFile(file(dir, 'categoryTranslation'), Buffer.from(text, 'utf16le').swap16());
    }
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('quarantines every malformed record with its line, fails the unreadable file with a typed error, and file records = rows + rejects', async () => {
    const warehouse = await createDuckDbWarehouse({
      path: join(dir, 'warehouse.duckdb'),
      config: { threads: '2' },
    });
    try {
      const result: LoadHistoryResult = await loadHistory({ dataDir: dir, warehouse });
      const byFile = new Map(result.tables.map((t) => [t.file, t]));

      const translation = byFile.get(OLIST_TABLES.categoryTranslation.file);
      expect(translation?.status).toBe('failed');
      expect(translation?.error?.code).toBe('CORE_CSV_HEADER_MISMATCH');
      expect(translation?.error?.message).toContain('does not look like UTF-8');
      expect(result.ok).toBe(false);

      const report: Array<[string, unknown, unknown]> = [];
      const problems: string[] = [];
      for (const t of tampered) {
        const { file: name, name: table } = OLIST_TABLES[t.table];
        const entry = byFile.get(name);
        const [count] = await warehouse.query<{ n: number }>(
          `SELECT count(*)::BIGINT AS n FROM ${warehouse.qualify(table)}`,
        );
        const rejects = await warehouse.query<{ line: number; code: string; field: string | null }>(
          `SELECT line, code, field FROM ${warehouse.qualify('raw_rejects')} WHERE source = 'csv' AND source_name = '${name}' ORDER BY line`,
        );
        const found = rejects.map((r) => ({ line: Number(r.line), code: r.code }));
        const wanted = t.rejects.map((r) => ({ line: r.line, code: r.code }));
        if (JSON.stringify(found) !== JSON.stringify(wanted))
          problems.push(`${name}: rejects ${JSON.stringify(found)} != ${JSON.stringify(wanted)}`);
        for (const r of t.rejects) {
          if (r.field === undefined) continue;
          const got = rejects.find((x) => Number(x.line) === r.line);
          if (got && got.field !== r.field)
            problems.push(`${name}:${r.line} field ${got.field}, expected ${r.field}`);
        }
        const rows = Number(count?.n);
        if (entry?.status !== 'loaded') problems.push(`${name}: ${entry?.status} ${entry?.error?.message}`);
        if (entry?.rows !== rows || entry?.rejects !== rejects.length)
          problems.push(
            `${name}: result ${entry?.rows}+${entry?.rejects}, warehouse ${rows}+${rejects.length}`,
          );
        report.push([
          `${name.replace(/^olist_|_dataset\.csv$/g, '')}: ${rows} rows + ${rejects.length} rejects`,
          t.records,
          rows + rejects.length,
        ]);
        if (t.records !== rows + rejects.length)
          problems.push(
            `${name} (${t.what}): ${t.records} records, ${rows} rows + ${rejects.length} rejects`,
          );
      }

      const [orders] = await warehouse.query<{ ids: number }>(
        `SELECT count(DISTINCT order_id)::BIGINT AS ids FROM ${warehouse.qualify('olist_orders')}`,
      );
      const [items] = await warehouse.query<{ cents: number }>(
        `SELECT (sum(price) * 100)::BIGINT AS cents FROM ${warehouse.qualify('olist_order_items')}`,
      );
      report.push(['orders: distinct order ids', orderIds.size, Number(orders?.ids)]);
      report.push(['order_items: price (cents)', itemsPriceCents, Number(items?.cents)]);
      report.push(['category translation', 'failed', translation?.status]);
      printReconciliation('malformed CSV through loadHistory', report);
      for (const t of tampered)
        console.log(
          `  ${OLIST_TABLES[t.table].file}: ${t.what}; expected rejects ${JSON.stringify(t.rejects.map((r) => `${r.line}:${r.code}`))}`,
        );

      expect(problems).toEqual([]);
      expect(Number(orders?.ids)).toBe(orderIds.size);
      expect(Number(items?.cents)).toBe(itemsPriceCents);
      // Not vacuous: the Latin-1 file really had records with non-ASCII text.
      expect(tampered.find((t) => t.table === 'customers')?.rejects.length).toBeGreaterThan(0);
    } finally {
      await warehouse.close();
    }
  });

  it('the reader reports the same rejects, line for line, as loadHistory quarantined', async () => {
    const orders = tampered.find((t) => t.table === 'orders') as Tampering;
    let rows = 0;
    const rejects: CsvReject[] = [];
    for await (const batch of readOlistCsv('orders', file(dir, 'orders'))) {
      rows += batch.rows.length;
      rejects.push(...batch.rejects);
    }
    expect(rejects.map((r) => ({ line: r.line, code: r.code }))).toEqual(
      orders.rejects.map((r) => ({ line: r.line, code: r.code })),
    );
    expect(rows + rejects.length).toBe(orders.records);
    await expect(async () => {
      for await (const _ of readOlistCsv('categoryTranslation', file(dir, 'categoryTranslation'))) {
        // reading is enough
      }
    }).rejects.toMatchObject({ code: 'CORE_CSV_HEADER_MISMATCH' });
  });
});
