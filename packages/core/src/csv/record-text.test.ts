import { describe, expect, it } from 'vitest';
import { capText, isWellQuoted, splitRecordText } from './record-text.js';

describe('splitRecordText', () => {
  it('strips the LF or the CR csv-parse leaves of a CRLF, counting one line', () => {
    expect(splitRecordText('a,b\n')).toEqual({ leadingLines: 0, body: 'a,b', spannedLines: 1 });
    expect(splitRecordText('a,b\r')).toEqual({ leadingLines: 0, body: 'a,b', spannedLines: 1 });
  });

  it('counts a last record without a line break as spanning no line break', () => {
    expect(splitRecordText('a,b')).toEqual({ leadingLines: 0, body: 'a,b', spannedLines: 0 });
  });

  it('counts skipped blank lines before the record, each CR or LF being one line', () => {
    expect(splitRecordText('\r\na,b\n')).toEqual({ leadingLines: 2, body: 'a,b', spannedLines: 1 });
    expect(splitRecordText('\n\na,b\r')).toEqual({ leadingLines: 2, body: 'a,b', spannedLines: 1 });
  });

  it('counts line breaks inside quoted fields, a CRLF there being one', () => {
    expect(splitRecordText('a,"x\r\ny\nz"\r')).toEqual({
      leadingLines: 0,
      body: 'a,"x\r\ny\nz"',
      spannedLines: 3,
    });
  });
});

describe('isWellQuoted', () => {
  it.each(['a,b,c', '"a",b,"c"', '"a, b","say ""hi""",""', '"multi\nline",x', ',,'])('accepts %j', (body) => {
    expect(isWellQuoted(body)).toBe(true);
  });

  it.each(['a"b,c', '"a"b,c', 'a,"b', 'a,b"', '"a""b,c', 'a,"b"" ,c'])('rejects %j', (body) => {
    expect(isWellQuoted(body)).toBe(false);
  });

  it('checks a long quoted field in linear time', () => {
    const body = `"${'x""'.repeat(200_000)}"x`;
    const started = performance.now();
    expect(isWellQuoted(body)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('capText', () => {
  it('keeps short text and cuts long text with a note', () => {
    expect(capText('abc', 5)).toBe('abc');
    expect(capText('abcdefgh', 5)).toBe('abcde… [3 more characters]');
  });
});
