import type { Warehouse } from '../../warehouse/warehouse.js';
import type { DashboardTables } from './sql.js';
import type { SqlDialect } from './sql-dialect.js';

/** What every query reads with, resolved once by `createDashboardQueries`. */
export interface QueryContext {
  readonly warehouse: Warehouse;
  readonly tables: DashboardTables;
  /** What differs between the warehouses' SQL, in the business time zone. */
  readonly dialect: SqlDialect;
}
