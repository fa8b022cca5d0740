import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OlistTableKey } from '@orderstream/core';
import { OLIST_TABLES } from '@orderstream/core';

/** A tiny, hand-shaped Olist folder: known rows, a few known defects, written as CSV text. */
export interface OlistFixture {
  readonly dir: string;
  /** Data lines per file (records after the header). */
  readonly records: Readonly<Record<OlistTableKey, number>>;
  /** How many of those records are malformed on purpose. */
  readonly defects: Readonly<Record<OlistTableKey, number>>;
}

const hex = (kind: number, n: number) => `${kind.toString(16)}${n.toString(16).padStart(31, '0')}`;
const money = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
const ts = (day: number, second: number) =>
  new Date(Date.UTC(2017, 0, 1 + day, 0, 0, second)).toISOString().slice(0, 19).replace('T', ' ');

/** Renders a file's text: the table's header, then the lines as given (already CSV). */
function csv(table: OlistTableKey, lines: readonly string[]): string {
  return `${OLIST_TABLES[table].header.join(',')}\n${lines.join('\n')}\n`;
}

/**
 * Writes the nine files for `orders` orders. Each order has 1–3 items and 1–2 payments with
 * varied cents; the defects are one line per file family that the reader must reject.
 */
export async function writeOlistFixture(dir: string, orders = 40): Promise<OlistFixture> {
  await mkdir(dir, { recursive: true });
  const lines: Record<OlistTableKey, string[]> = {
    categoryTranslation: ['beleza_saude,health_beauty', 'informatica_acessorios,computers_accessories'],
    geolocation: [
      '01037,-23.54562128115268,-46.63929204800168,sao paulo,SP',
      '01046,-23.546081127035535,-46.64482029837157,são paulo,SP',
      '20040,-22.9035393,-43.1769927,rio de janeiro,RJ',
    ],
    customers: [],
    sellers: [],
    products: [],
    orders: [],
    orderItems: [],
    orderPayments: [],
    orderReviews: [],
  };
  for (let s = 0; s < 3; s += 1) lines.sellers.push(`${hex(5, s)},0${1000 + s},sao paulo,SP`);
  for (let p = 0; p < 4; p += 1) {
    lines.products.push(
      p === 3
        ? `${hex(6, p)},,,,,,,,`
        : `${hex(6, p)},beleza_saude,40,${287 + p},1,${225 * (p + 1)},16,10,14`,
    );
  }
  for (let o = 0; o < orders; o += 1) {
    const orderId = hex(1, o);
    const customerId = hex(2, o);
    lines.customers.push(`${customerId},${hex(3, o % 7)},${String(14409 + o).padStart(5, '0')},franca,SP`);
    const delivered = o % 5 !== 0;
    lines.orders.push(
      `${orderId},${customerId},${delivered ? 'delivered' : 'canceled'},${ts(o, 7)},${ts(o, 300)},${delivered ? ts(o + 2, 0) : ''},${delivered ? ts(o + 5, 59) : ''},${ts(o + 10, 0)}`,
    );
    for (let i = 1; i <= 1 + (o % 3); i += 1) {
      const price = 999 + ((o * 7919 + i * 104_729) % 1_500_000);
      const freight = (o * 31 + i * 17) % 5_000;
      lines.orderItems.push(
        `${orderId},${i},${hex(6, (o + i) % 4)},${hex(5, o % 3)},${ts(o + 3, i)},${money(price)},${money(freight)}`,
      );
    }
    for (let p = 1; p <= 1 + (o % 2); p += 1) {
      const value = 1 + ((o * 104_723 + p * 7) % 2_000_000);
      lines.orderPayments.push(
        `${orderId},${p},${p === 1 ? 'credit_card' : 'voucher'},${o % 10},${money(value)}`,
      );
    }
    lines.orderReviews.push(
      o % 4 === 0
        ? `${hex(4, o)},${orderId},${1 + (o % 5)},Ótimo,"Chegou antes do prazo, ""recomendo""\nmuito bom 🦆",${ts(o + 6, 0)},${ts(o + 7, 1)}`
        : `${hex(4, o)},${orderId},${1 + (o % 5)},,,${ts(o + 6, 0)},${ts(o + 7, 1)}`,
    );
  }
  const defects: Record<OlistTableKey, number> = {
    categoryTranslation: 0,
    geolocation: 1,
    customers: 0,
    sellers: 0,
    products: 0,
    orders: 1,
    orderItems: 1,
    orderPayments: 2,
    orderReviews: 0,
  };
  lines.geolocation.push('01037,not-a-latitude,-46.6,sao paulo,SP');
  lines.orders.splice(3, 0, `${hex(1, 9999)},${hex(2, 9999)},teleported,${ts(1, 0)},,,,${ts(2, 0)}`);
  lines.orderItems.splice(2, 0, `${hex(1, 0)},9,${hex(6, 0)},${hex(5, 0)},${ts(1, 0)},12.30`);
  lines.orderPayments.splice(1, 0, `${hex(1, 0)},7,credit_card,1,12.345`);
  lines.orderPayments.push(`${hex(1, 1)},8,boleto,1,`);
  const records = Object.fromEntries(
    Object.entries(lines).map(([table, rows]) => [table, rows.length]),
  ) as Record<OlistTableKey, number>;
  // Review messages hold line breaks inside quotes: one record, two lines.
  for (const [table, rows] of Object.entries(lines) as [OlistTableKey, string[]][]) {
    await writeFile(join(dir, OLIST_TABLES[table].file), csv(table, rows));
  }
  return { dir, records, defects };
}

/**
 * Sums a money column of a CSV file in cents with a parser independent of the reader: plain
 * comma splitting (the fixture's money files hold no quotes), skipping lines with the wrong field
 * count or a value that is not a money amount with at most two decimals.
 */
export function sumMoneyColumn(text: string, column: string): { cents: bigint; rows: number } {
  const [header = '', ...body] = text.split('\n').filter((line) => line.length > 0);
  const names = header.split(',');
  const index = names.indexOf(column);
  let cents = 0n;
  let rows = 0;
  for (const line of body) {
    const fields = line.split(',');
    const value = fields[index] ?? '';
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
    if (fields.length !== names.length || !match) continue;
    cents += BigInt(match[1] as string) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
    rows += 1;
  }
  return { cents, rows };
}
