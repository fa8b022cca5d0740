import { z } from 'zod';
import { businessTimeZoneSchema } from '../time/business-time-zone.js';
import type { Warehouse } from '../warehouse/warehouse.js';

/** The zod schema of {@link DashboardQueriesOptions}. */
export const dashboardQueriesOptionsSchema = z
  .object({
    /**
     * The warehouse to read: DuckDB or Snowflake (its `dialect` picks the SQL that differs). The
     * live queries read the RAW tables (`raw_order_events`, `alerts`, `raw_rejects`,
     * `sink_offsets`); the history reports read the dbt facts and marts wherever dbt built them.
     */
    warehouse: z.custom<Warehouse>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Warehouse).query === 'function' &&
        typeof (value as Warehouse).qualify === 'function',
      'expected a Warehouse',
    ),
    /**
     * The business time zone (IANA name) whose local hours, days and weeks the queries bucket by
     * ("today", "this week", the hourly chart, the weekday × hour heatmap).
     * @defaultValue `'America/Sao_Paulo'` (`DEFAULT_BUSINESS_TIME_ZONE`)
     */
    businessTimeZone: businessTimeZoneSchema,
  })
  .strict();

/**
 * Options of {@link createDashboardQueries}.
 *
 * @interface
 */
export type DashboardQueriesOptions = z.input<typeof dashboardQueriesOptionsSchema>;
