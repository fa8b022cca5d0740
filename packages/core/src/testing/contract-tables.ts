import type { TableDefinition } from '../schema/column-types.js';

/**
 * A table with one column of every {@link ColumnType}, used by the warehouse contract suite to
 * check that values round-trip exactly. `required` is the one NOT NULL column besides the key, so
 * a row can be made to violate a constraint on purpose.
 */
export const CONTRACT_TYPES_TABLE: TableDefinition = {
  name: 'contract_types',
  key: ['id'],
  columns: [
    { name: 'id', type: 'text', nullable: false },
    { name: 'required', type: 'text', nullable: false },
    { name: 'text_value', type: 'text', nullable: true },
    { name: 'integer_value', type: 'integer', nullable: true },
    { name: 'bigint_value', type: 'bigint', nullable: true },
    { name: 'double_value', type: 'double', nullable: true },
    { name: 'money_value', type: 'money', nullable: true },
    { name: 'timestamp_value', type: 'timestamp', nullable: true },
    { name: 'timestamptz_value', type: 'timestamptz', nullable: true },
    { name: 'json_value', type: 'json', nullable: true },
    { name: 'boolean_value', type: 'boolean', nullable: true },
  ],
};

/** A keyless (append-only) table for the contract suite. */
export const CONTRACT_EVENTS_TABLE: TableDefinition = {
  name: 'contract_events',
  key: [],
  columns: [
    { name: 'generation', type: 'text', nullable: false },
    { name: 'seq', type: 'integer', nullable: false },
    { name: 'amount', type: 'money', nullable: false },
  ],
};
