import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

describe('toCsv', () => {
  it('quotes separators and doubles quotes', () => {
    expect(toCsv({ columns: ['a', 'b'], rows: [['x,y', 'say "hi"']] })).toBe('a,b\r\n"x,y","say ""hi"""\r\n');
  });

  it('neutralises spreadsheet formulas but keeps negative numbers as text', () => {
    expect(toCsv({ columns: ['v'], rows: [['=HYPERLINK("x")'], ['-12.50'], ['@SUM(A1)'], [-3]] })).toBe(
      'v\r\n"\'=HYPERLINK(""x"")"\r\n-12.50\r\n\'@SUM(A1)\r\n-3\r\n',
    );
  });

  it('writes null as an empty cell', () => {
    expect(toCsv({ columns: ['a', 'b'], rows: [[null, 1]] })).toBe('a,b\r\n,1\r\n');
  });
});
