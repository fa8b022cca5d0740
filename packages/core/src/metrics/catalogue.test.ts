import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METRIC_CATALOGUE, METRIC_IDS, type MetricDefinition } from './catalogue.js';

const DOC = fileURLToPath(new URL('../../../../docs/metrics.md', import.meta.url));
const BEGIN = '<!-- metric-catalogue:begin (generated from packages/core/src/metrics/catalogue.ts) -->';
const END = '<!-- metric-catalogue:end -->';

function formulaText(metric: MetricDefinition): string {
  const f = metric.formula;
  if (f.kind === 'aggregate') {
    const byItem = f.itemSql === undefined || f.relation === 'item' ? '' : `; per item: \`${f.itemSql}\``;
    return `\`${f.sql}\` over the ${f.relation} relation${byItem}`;
  }
  if (f.kind === 'sum') return f.of.map((id) => METRIC_CATALOGUE[id].label).join(' + ');
  return `${METRIC_CATALOGUE[f.numerator].label} ÷ ${f.denominator} (\`${f.denominatorSql}\`)`;
}

/** The catalogue as the Markdown table of docs/metrics.md. */
function renderCatalogue(): string {
  const rows = METRIC_IDS.map((id) => {
    const m = METRIC_CATALOGUE[id];
    return `| ${m.label} | \`${m.id}\` | ${m.unit} | ${m.definition} | ${formulaText(m).replaceAll('|', '\\|')} |`;
  });
  return [
    BEGIN,
    '| Metric | Id | Unit | Definition | Computed as |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    END,
  ].join('\n');
}

describe('the metric catalogue', () => {
  it('has one entry per id, each with a label and a definition', () => {
    for (const id of METRIC_IDS) {
      expect(METRIC_CATALOGUE[id].id).toBe(id);
      expect(METRIC_CATALOGUE[id].label.length).toBeGreaterThan(0);
      expect(METRIC_CATALOGUE[id].definition).toMatch(/\.$/);
    }
    expect(Object.keys(METRIC_CATALOGUE).sort()).toEqual([...METRIC_IDS].sort());
  });

  it('calls GMV "Revenue", excludes freight from it and counts canceled/unavailable orders out', () => {
    const gmv = METRIC_CATALOGUE.gmv;
    expect(gmv.label).toBe('Revenue');
    expect(gmv.formula).toMatchObject({ kind: 'aggregate', relation: 'order' });
    const sql = gmv.formula.kind === 'aggregate' ? gmv.formula.sql : '';
    expect(sql).toContain('items_value');
    expect(sql).not.toContain('freight');
    expect(sql).toContain("'canceled', 'unavailable'");
  });

  it('is what docs/metrics.md lists (UPDATE_METRICS_DOC=1 rewrites the table)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start, 'docs/metrics.md has the generated table markers').toBeGreaterThanOrEqual(0);
    const current = doc.slice(start, end + END.length);
    const expected = renderCatalogue();
    if (process.env.UPDATE_METRICS_DOC === '1' && current !== expected) {
      writeFileSync(DOC, doc.replace(current, expected));
      return;
    }
    expect(current).toBe(expected);
  });
});
