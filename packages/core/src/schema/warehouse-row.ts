// The row shape every write and read uses, in its own file so that column batches and the
// Warehouse interface both build on it without importing each other.
import type { ColumnType } from './column-types.js';

/**
 * A value written to or read from a warehouse column; see {@link ColumnType} for which JS type
 * each column type takes.
 */
export type WarehouseValue = string | number | boolean | Date | null;

/** One row, keyed by column name. */
export type WarehouseRow = Readonly<Record<string, WarehouseValue>>;
