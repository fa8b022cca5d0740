import { resolve } from 'node:path';
import type { DbtRunSummary, Warehouse } from '@orderstream/core';
import { runDbt } from '@orderstream/core';
import { DuckDbWarehouse } from '@orderstream/duckdb';

/** Options of {@link DbtCoordinator}. */
export interface DbtCoordinatorOptions {
  warehouse: Warehouse;
  /** Where dbt builds when the warehouse is DuckDB. */
  analyticsPath?: string;
  /** The dbt project (default: core's, `./dbt_transform` of the working folder). */
  projectDir?: string;
  log: (line: string) => void;
  /** The business time zone dbt buckets hours and days in (the dbt var `business_time_zone`). */
  businessTimeZone?: string;
}

const ANALYTICS_ALIAS = 'analytics';

/**
 * Runs dbt next to a live pipeline. Snowflake needs nothing special. A DuckDB file, though, is
 * held by one process at a time, and the pipeline keeps writing to it; so dbt builds a separate
 * analytics file: before each run the pipeline copies the RAW schema into it (a consistent
 * snapshot), dbt builds the marts there, and afterwards the pipeline attaches it read-only so the
 * dashboard's history view can read the marts. The sink never stops for dbt.
 */
export class DbtCoordinator {
  readonly #warehouse: Warehouse;
  readonly #analyticsPath: string;
  readonly #log: (line: string) => void;
  readonly #businessTimeZone: string | undefined;
  readonly #project: { projectDir?: string };
  #attached = false;

  constructor(options: DbtCoordinatorOptions) {
    this.#warehouse = options.warehouse;
    this.#analyticsPath = resolve(options.analyticsPath ?? 'data/analytics.duckdb');
    this.#log = options.log;
    this.#businessTimeZone = options.businessTimeZone;
    this.#project = options.projectDir === undefined ? {} : { projectDir: options.projectDir };
  }

  #zone(): { businessTimeZone?: string } {
    return this.#businessTimeZone === undefined ? {} : { businessTimeZone: this.#businessTimeZone };
  }

  /** Runs `dbt <args>` and returns its summary. */
  async run(args: string[], signal: AbortSignal): Promise<DbtRunSummary> {
    const onLine = (line: string) => {
      if (/\b(ERROR|FAIL|WARN)\b/.test(line)) this.#log(`dbt: ${line.trim()}`);
    };
    const warehouse = this.#warehouse;
    if (!(warehouse instanceof DuckDbWarehouse)) {
      return runDbt({ args, target: 'snowflake', signal, onLine, ...this.#zone(), ...this.#project });
    }
    if (this.#attached) {
      await warehouse.detachDatabase(ANALYTICS_ALIAS);
      this.#attached = false;
    }
    await warehouse.copyRawSchemaTo(this.#analyticsPath);
    try {
      return await runDbt({
        args,
        duckdbPath: this.#analyticsPath,
        signal,
        onLine,
        ...this.#zone(),
        ...this.#project,
      });
    } finally {
      await warehouse.attachDatabase(this.#analyticsPath, ANALYTICS_ALIAS, { readOnly: true });
      this.#attached = true;
    }
  }
}
