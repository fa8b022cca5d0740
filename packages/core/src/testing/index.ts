/**
 * `@orderstream/core/testing`: the shared contract suite every warehouse adapter must pass. Needs
 * vitest (an optional peer dependency of core).
 *
 * @packageDocumentation
 */

export { CONTRACT_EVENTS_TABLE, CONTRACT_TYPES_TABLE } from './contract-tables.js';
export type {
  WarehouseContractContext,
  WarehouseContractFactory,
  WarehouseContractSubject,
} from './contract-types.js';
export { describeWarehouseContract } from './warehouse-contract.js';
