// The types of the warehouse contract suite: what adapters pass in, and what its parts share.
import type { TableDefinition } from '../schema/column-types.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** What {@link describeWarehouseContract} passes to the factory. */
export interface WarehouseContractContext {
  /**
   * The tables the warehouse must manage: `RAW_TABLES` plus the suite's own tables (one column of
   * every column type, and a keyless one). Pass them to the adapter's table option.
   */
  readonly tables: Readonly<Record<string, TableDefinition>>;
}

/** A fresh warehouse under test, as the factory of {@link describeWarehouseContract} returns it. */
export interface WarehouseContractSubject {
  /** A warehouse on an empty database, not yet migrated. */
  readonly warehouse: Warehouse;
  /**
   * Arms a one-shot failure: the next write transaction fails after its writes and before its
   * commit. Tests that need it are skipped when the adapter cannot inject failures.
   */
  readonly injectFailure?: () => void;
  /** Releases what the factory created (files, schemas) after the warehouse was closed. */
  readonly cleanup?: () => Promise<void>;
}

/** Creates a fresh {@link WarehouseContractSubject} for each test of the contract suite. */
export type WarehouseContractFactory = (
  context: WarehouseContractContext,
) => Promise<WarehouseContractSubject>;

/**
 * What each part of the contract suite works on: the warehouse and subject of the running test
 * (fresh for every test, so read them inside a test, not when registering it) and two reads.
 */
export interface ContractHarness {
  /** The running test's warehouse, migrated. */
  readonly warehouse: Warehouse;
  /** The running test's subject, as the factory returned it. */
  readonly subject: WarehouseContractSubject;
  /** Every row of the types table, by id. */
  typesRows(): Promise<Record<string, unknown>[]>;
  /** The events table's row count per generation. */
  countEvents(): Promise<Record<string, number>>;
}
