import { describe, expect, it } from 'vitest';
import { formatBytes, textTable } from './text-table.js';

describe('textTable', () => {
  it('pads each column to its widest cell, text columns left and numbers right, with rules', () => {
    const lines = textTable(
      ['file', 'rows', 'status'],
      [['orders.csv', '7', 'ok']],
      ['total', '1234', ''],
      [0, 2],
    );
    expect(lines).toEqual([
      'file        rows  status',
      '----------  ----  ------',
      'orders.csv     7  ok',
      '----------  ----  ------',
      'total       1234',
    ]);
  });
});

describe('formatBytes', () => {
  it('says B, kB or MB with one decimal', () => {
    expect([formatBytes(17), formatBytes(4_500), formatBytes(12_345_678)]).toEqual([
      '17 B',
      '4.5 kB',
      '12.3 MB',
    ]);
  });
});
