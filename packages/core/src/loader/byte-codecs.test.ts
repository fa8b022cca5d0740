import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkAgreesWithZod,
  FIELD_CODECS,
  fieldCodecInput,
  TYPICAL_FIELD_VALUES,
} from '../schema/field-codec-fixture.js';
import { OLIST_TABLE_KEYS } from '../schema/olist-tables.js';
import { BYTE_CODECS, type ByteCodec, byteColumns, divideLong, parseDecimalBytes } from './byte-codecs.js';

// The shared inputs, and more that bytes make interesting: any byte, long decimals, money-like.
const input = fc.oneof(
  fieldCodecInput,
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.stringMatching(/^-?\d{1,3}\.\d{10,17}$/),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => value.toFixed(2)),
  fc.constant('boleto '),
);

/** Runs a byte codec on `value` placed inside other bytes, as in a file. */
function run(codec: ByteCodec, value: string): unknown {
  const bytes = Buffer.from(`9,"${value}",-`, 'utf8');
  const start = 3;
  const end = start + Buffer.byteLength(value, 'utf8');
  if (codec.kind === 'text') return codec.check(bytes, start, end) ? value : undefined;
  const parsed = codec.parse(bytes, start, end);
  return Number.isNaN(parsed) ? undefined : parsed;
}

describe('byte codecs', () => {
  it('cover every shared codec the tables use, so every Olist table has a byte path', () => {
    for (const [name, schema] of Object.entries(FIELD_CODECS))
      expect(BYTE_CODECS.has(schema), name).toBe(true);
    for (const key of OLIST_TABLE_KEYS) expect(byteColumns(key), key).toBeDefined();
  });

  for (const [name, schema] of Object.entries(FIELD_CODECS)) {
    it(`${name}: accepts only what zod accepts, with zod's output (timestamps as epoch ms)`, () => {
      const codec = BYTE_CODECS.get(schema) as ByteCodec;
      checkAgreesWithZod(schema, (value) => run(codec, value), {
        input,
        numRuns: 4000,
        seed: 20_261_126,
        toZod: (data) => (data instanceof Date ? data.getTime() : data),
      });
    });
  }

  it('accept the typical Olist values (so the byte path is the path taken)', () => {
    for (const [schema, value] of TYPICAL_FIELD_VALUES) {
      expect(run(BYTE_CODECS.get(schema) as ByteCodec, value), value).not.toBeUndefined();
    }
  });

  it('read decimals exactly as Number does, on the fast path and past it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
          fc.stringMatching(/^-?\d{1,25}\.\d{1,25}$/),
          fc.stringMatching(/^-?\d{1,17}(\.\d{1,5})?[eE][-+]?\d{1,3}$/),
        ),
        (value) => {
          const bytes = Buffer.from(value, 'latin1');
          const parsed = parseDecimalBytes(bytes, 0, bytes.length);
          const expected = Number(value);
          expect(Object.is(parsed, Number.isFinite(expected) ? expected : Number.NaN), value).toBe(true);
        },
      ),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('read 16 to 19 significant digits right next to a rounding boundary as Number does', () => {
    // The exact midpoint between a double and the next one, cut to 16-19 digits and nudged by
    // one unit in the last place: the hardest inputs for the remainder check.
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1000, noNaN: true }), (x) => {
        view.setFloat64(0, x);
        const high = view.getUint32(0);
        const low = view.getUint32(4);
        const exponent = ((high >>> 20) & 0x7ff) - 1075;
        const mantissa = (BigInt((high & 0xfffff) | 0x100000) << 32n) | BigInt(low);
        const places = 1 - exponent;
        const midpoint = ((2n * mantissa + 1n) * 5n ** BigInt(places)).toString().padStart(places + 1, '0');
        const whole = midpoint.slice(0, midpoint.length - places);
        for (const significant of [16, 17, 18, 19]) {
          const cut = BigInt(midpoint.slice(0, significant));
          for (const nudge of [-1n, 0n, 1n]) {
            const digits = (cut + nudge).toString();
            const text = `${digits.slice(0, whole.length)}.${digits.slice(whole.length)}`;
            const bytes = Buffer.from(text, 'latin1');
            expect(Object.is(parseDecimalBytes(bytes, 0, bytes.length), Number(text)), text).toBe(true);
          }
        }
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('take the remainder check, not Number, for the 17-digit coordinates of the data set', () => {
    // -23.573287660430378: head 235732876604303, tail 78 (2 digits), 15 places.
    expect(divideLong(235_732_876_604_303, 78, 2, 15)).toBe(23.573287660430378);
    expect(divideLong(465_966_655_154_327, 4, 2, 15)).toBe(46.596665515432704);
  });
});
