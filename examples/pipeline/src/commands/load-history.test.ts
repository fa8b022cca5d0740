import type { LoadHistoryResult } from '@orderstream/core';
import { describe, expect, it } from 'vitest';
import { formatLoadSummary } from './load-history.js';

describe('formatLoadSummary', () => {
  const entry = (file: string, seconds: number) => ({
    file,
    table: file.replace('.csv', ''),
    status: 'loaded' as const,
    rows: 10,
    rejects: 1,
    bytes: 100,
    sha256: 'ab',
    seconds,
  });

  it("totals rows and rejects, and gives the load's wall time (files overlap: not the sum of theirs)", () => {
    const result: LoadHistoryResult = {
      dataDir: 'data',
      tables: [entry('a.csv', 1.5), entry('b.csv', 1.25)],
      ok: true,
      seconds: 1.75,
    };
    const lines = formatLoadSummary(result).split('\n');
    expect(lines[0]).toMatch(/^file\s+rows\s+rejects\s+status\s+seconds$/);
    expect(lines.at(-1)).toMatch(/^total\s+20\s+2\s+ok\s+1\.75$/);
  });

  it('marks a failed load and lists the errors under the table', () => {
    const failed = {
      ...entry('b.csv', 0.1),
      status: 'failed' as const,
      rows: 0,
      rejects: 0,
      error: { code: 'CORE_CSV_HEADER_MISMATCH', message: 'b.csv has the header "x"' },
    };
    const text = formatLoadSummary({
      dataDir: 'data',
      tables: [entry('a.csv', 1), failed],
      ok: false,
      seconds: 1.2,
    });
    expect(text).toMatch(/total\s+10\s+1\s+FAILED\s+1\.20/);
    expect(text).toContain('error CORE_CSV_HEADER_MISMATCH: b.csv has the header "x"');
  });
});
