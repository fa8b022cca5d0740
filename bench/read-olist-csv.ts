/**
 * Throughput of the Olist CSV reader on a full-size, Olist-shaped data set (≈1.55M records over
 * the nine files, row counts and row shapes as in the Kaggle files) written to a temporary folder.
 *
 *   node --conditions=@orderstream/source --import tsx bench/read-olist-csv.ts [--quick] [--repeats 3] [--scale 1]
 *
 * Prints records/s per file and over the whole set (reading + parsing + validating), by wall clock
 * and by the process's CPU time (steadier on a shared machine), median of the repeats. Takes about
 * half a minute per repeat; not part of the test suite. Writes bench/results/read-olist-csv.{md,json}.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OLIST_TABLES, type OlistTableKey, readOlistCsv } from '@orderstream/core';
import { machineLine } from './lib/machine.js';
import { medianCell } from './lib/markdown.js';
import { parseBenchOptions } from './lib/options.js';
import { BenchRecorder } from './lib/result.js';

const options = parseBenchOptions('read-olist-csv.ts', {
  scale: { full: 1, quick: 0.01, description: 'fraction of the Kaggle row counts to write' },
});
const recorder = new BenchRecorder('read-olist-csv', 'Olist CSV reader on Olist-shaped files', options);

let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
const hexId = (): string => {
  let id = '';
  for (let i = 0; i < 32; i++) id += '0123456789abcdef'[Math.floor(random() * 16)];
  return id;
};
// Olist quotes a value only when it starts with a digit.
const q = (value: string): string => (/^\d/.test(value) ? `"${value}"` : value);
const zip = (): string => `"${String(Math.floor(random() * 99_999) + 1).padStart(5, '0')}"`;
const ts = (): string => {
  const d = new Date(Date.UTC(2017, 0, 1) + Math.floor(random() * 600 * 86_400_000));
  return d.toISOString().slice(0, 19).replace('T', ' ');
};
const money = (): string => (random() * 300).toFixed(2).replace(/\.?0+$/, '');
const cities = ['sao paulo', 'rio de janeiro', 'belo horizonte', 'curitiba', 'porto alegre', 'santo andré'];
const states = ['SP', 'RJ', 'MG', 'PR', 'RS', 'BA', 'SC'];
const comments = [
  'Recebi bem antes do prazo estipulado.',
  'Parabéns lojas lannister adorei comprar pela Internet seguro e prático Parabéns a todos feliz Páscoa',
  'aparelho eficiente. no site a marca do aparelho esta impresso como 3desinfector e ao chegar esta com outro nome...',
  '"Produto ""ótimo"", entrega rápida,\r\nrecomendo"',
  '"Mas um pouco ,travando...pelo valor ta Boa.\r\n"',
];

const FILES: Record<OlistTableKey, { count: number; row: () => string }> = {
  categoryTranslation: { count: 71, row: () => `${pick(cities).replace(/ /g, '_')},${pick(cities)}` },
  geolocation: {
    count: 1_000_163,
    row: () =>
      `${zip()},${(-30 + random() * 25).toFixed(14)},${(-55 + random() * 20).toFixed(14)},${pick(cities)},${pick(states)}`,
  },
  customers: {
    count: 99_441,
    row: () => `${q(hexId())},${q(hexId())},${zip()},${pick(cities)},${pick(states)}`,
  },
  sellers: { count: 3_095, row: () => `${q(hexId())},${zip()},${pick(cities)},${pick(states)}` },
  products: {
    count: 32_951,
    row: () => `${q(hexId())},cama_mesa_banho,${40 + Math.floor(random() * 20)},287,1,225,16,10,14`,
  },
  orders: {
    count: 99_441,
    row: () =>
      `${q(hexId())},${q(hexId())},delivered,${ts()},${ts()},${ts()},${random() < 0.03 ? '' : ts()},${ts()}`,
  },
  orderItems: {
    count: 112_650,
    row: () => `${q(hexId())},1,${q(hexId())},${q(hexId())},${ts()},${money()},${money()}`,
  },
  orderPayments: {
    count: 103_886,
    row: () =>
      `${q(hexId())},1,${pick(['credit_card', 'boleto', 'voucher'])},${1 + Math.floor(random() * 10)},${money()}`,
  },
  orderReviews: {
    count: 99_224,
    row: () =>
      `${q(hexId())},${q(hexId())},${1 + Math.floor(random() * 5)},${random() < 0.12 ? 'recomendo' : ''},${random() < 0.41 ? pick(comments) : ''},${ts()},${ts()}`,
  },
};

async function writeFile(
  path: string,
  header: readonly string[],
  count: number,
  row: () => string,
): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header.join(',')}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(row());
    if (chunk.length === 10_000 || i === count - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end();
  await once(out, 'finish');
}

const dir = await mkdtemp(join(tmpdir(), 'orderstream-bench-'));
try {
  for (const [key, spec] of Object.entries(FILES) as [OlistTableKey, (typeof FILES)[OlistTableKey]][]) {
    const { file, header } = OLIST_TABLES[key];
    await writeFile(
      join(dir, file),
      header,
      Math.max(1, Math.round(spec.count * options.sizes.scale)),
      spec.row,
    );
  }
  const perFile = new Map<OlistTableKey, { records: number; rejects: number; bytes: number }>();
  for (let repeat = 1; repeat <= options.repeats; repeat++) {
    let records = 0;
    let seconds = 0;
    let cpuSeconds = 0;
    for (const key of Object.keys(FILES) as OlistTableKey[]) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      let fileRecords = 0;
      let fileRejects = 0;
      let fileBytes = 0;
      for await (const batch of readOlistCsv(key, join(dir, OLIST_TABLES[key].file))) {
        fileRecords += batch.rows.length + batch.rejects.length;
        fileRejects += batch.rejects.length;
        fileBytes = batch.bytesRead;
      }
      const elapsed = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStarted);
      const cpuElapsed = (cpu.user + cpu.system) / 1e6;
      cpuSeconds += cpuElapsed;
      records += fileRecords;
      seconds += elapsed;
      perFile.set(key, { records: fileRecords, rejects: fileRejects, bytes: fileBytes });
      recorder.sample(`${key}-records-per-second`, fileRecords / elapsed, {
        label: `${OLIST_TABLES[key].file}`,
        unit: 'records/s',
      });
    }
    recorder.sample('records-per-second', records / seconds, {
      label: 'all nine files, wall',
      unit: 'records/s',
      better: 'higher',
    });
    recorder.sample('records-per-cpu-second', records / cpuSeconds, {
      label: 'all nine files, per CPU second',
      unit: 'records/CPU-s',
    });
    console.log(
      `repeat ${repeat}/${options.repeats}: ${records} records in ${seconds.toFixed(2)} s, ${Math.round(records / seconds)} records/s, ${Math.round(records / cpuSeconds)} records/CPU-s`,
    );
  }
  const total = [...perFile.values()].reduce((sum, f) => sum + f.records, 0);
  const lines = [
    '# Olist CSV reader on Olist-shaped files',
    '',
    `Command: \`${options.command}\``,
    '',
    `Machine: ${machineLine(recorder.result().machine)}.`,
    '',
    `Data: ${total} records over the nine files (row counts and shapes as in the Kaggle files × ${options.sizes.scale}), read,`,
    `parsed and validated by \`readOlistCsv\`. Every figure: median of ${options.repeats} repeat${options.repeats === 1 ? '' : 's'} (range in parentheses).`,
    '',
    '| file | records | rejects | MB | records/s |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...[...perFile].map(
      ([key, f]) =>
        `| ${OLIST_TABLES[key].file} | ${f.records} | ${f.rejects} | ${(f.bytes / 1e6).toFixed(1)} | ${medianCell(recorder.samples(`${key}-records-per-second`), 0)} |`,
    ),
    `| all | ${total} | | | ${medianCell(recorder.samples('records-per-second'), 0)} |`,
    '',
    `Per CPU second: ${medianCell(recorder.samples('records-per-cpu-second'), 0)} records/CPU-s.`,
    '',
  ];
  recorder.target('records-per-second', '>=', 200_000, 'CSV reader on Olist-shaped files');
  recorder.write(lines);
  console.log(lines.join('\n'));
} finally {
  await rm(dir, { recursive: true, force: true });
}
