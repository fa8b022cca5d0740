import { z } from 'zod';
import { DECLINE, FAST_CODECS, type FastCodec, fastTimestampMillis } from '../schema/fast-codecs.js';
import { naiveTimestamp } from '../schema/fields.js';
import { OLIST_TABLES, type OlistTableKey } from '../schema/olist-tables.js';

interface ColumnPlan {
  readonly name: string;
  readonly nullable: boolean;
  /** The fast codec, or `undefined` when the column's schema has none (zod then checks the row). */
  readonly fast: FastCodec | undefined;
}

/** The outcome of validating one record's fields. */
export type RowValidation =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly issues: readonly z.core.$ZodIssue[];
      readonly input: Record<string, unknown>;
    };

/** A record that failed its table's schema: zod's issues and the record as zod saw it. */
export interface RowInvalid {
  readonly ok: false;
  readonly issues: readonly z.core.$ZodIssue[];
  readonly input: Record<string, unknown>;
}

/** Validates the field values of one table's records (empty text already turned into `null`). */
export interface RowValidator {
  readonly columns: readonly string[];
  validate(values: readonly (string | null)[]): RowValidation;
  /**
   * Like `validate`, but writes the parsed values into `into`, in header order, instead of
   * building a row object.
   *
   * @returns `true`, or what failed
   */
  validateInto(values: readonly (string | null)[], into: unknown[]): true | RowInvalid;
}

/** How a validator hands over timestamps: as `Date`s (the schema's output) or epoch milliseconds. */
export type TimestampForm = 'date' | 'millis';

function planColumn(name: string, schema: z.ZodType, timestamps: TimestampForm): ColumnPlan {
  const nullable = schema instanceof z.ZodNullable;
  const inner = nullable ? (schema.unwrap() as z.ZodType) : schema;
  const fast =
    timestamps === 'millis' && inner === naiveTimestamp ? fastTimestampMillis : FAST_CODECS.get(inner);
  return { name, nullable, fast };
}

/**
 * Builds the validator of one Olist table from its zod schema.
 *
 * @param table - the table key
 * @param timestamps - how `validateInto` hands over timestamps (`validate` always gives `Date`s)
 * @returns a validator that takes the record's values in header order
 */
export function createRowValidator(table: OlistTableKey, timestamps: TimestampForm = 'date'): RowValidator {
  const { schema, header } = OLIST_TABLES[table];
  const shape = schema.shape as Record<string, z.ZodType>;
  const plans = header.map((name) => {
    const columnSchema = shape[name];
    if (columnSchema === undefined) throw new Error(`Olist table ${table} has no schema for column ${name}`);
    return planColumn(name, columnSchema, timestamps);
  });
  const allFast = plans.every((plan) => plan.fast !== undefined);
  const width = plans.length;

  const slow = (values: readonly (string | null)[]): RowValidation => {
    const input: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) input[(plans[i] as ColumnPlan).name] = values[i];
    const result = schema.safeParse(input);
    return result.success
      ? { ok: true, row: result.data }
      : { ok: false, issues: result.error.issues, input };
  };

  // The fast codecs, in header order, into `into`; `false` when one declines.
  const fast = (values: readonly (string | null)[], into: unknown[]): boolean => {
    if (!allFast) return false;
    for (let i = 0; i < width; i++) {
      const plan = plans[i] as ColumnPlan;
      const value = values[i] ?? null;
      if (value === null) {
        if (!plan.nullable) return false;
        into[i] = null;
        continue;
      }
      const parsed = (plan.fast as FastCodec)(value);
      if (parsed === DECLINE) return false;
      into[i] = parsed;
    }
    return true;
  };

  return {
    columns: header,
    validate(values) {
      const into = new Array<unknown>(width);
      if (!fast(values, into)) return slow(values);
      const row: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) {
        const plan = plans[i] as ColumnPlan;
        const value = into[i];
        row[plan.name] =
          plan.fast === fastTimestampMillis && typeof value === 'number' ? new Date(value) : value;
      }
      return { ok: true, row };
    },
    validateInto(values, into) {
      if (fast(values, into)) return true;
      const result = slow(values);
      if (!result.ok) return result;
      for (let i = 0; i < width; i++) {
        const value = result.row[(plans[i] as ColumnPlan).name];
        into[i] = timestamps === 'millis' && value instanceof Date ? value.getTime() : value;
      }
      return true;
    },
  };
}
