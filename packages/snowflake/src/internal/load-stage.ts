import type { Connection } from 'snowflake-sdk';
import type { ExecStatement } from './exec-statement.js';

/**
 * The internal stage bulk loads PUT their files to, created once per warehouse: concurrent loads
 * (core's `loadHistory` loads several tables at once) share one `CREATE STAGE`, since concurrent
 * ones can collide (`duplicate key`) although each says `IF NOT EXISTS`. A failure lets the next
 * load try again.
 */
export class LoadStage {
  readonly #exec: ExecStatement;
  #ready: Promise<void> | undefined;

  /** @param exec - runs the DDL */
  constructor(exec: ExecStatement) {
    this.#exec = exec;
  }

  /** Creates the stage (a qualified, quoted name) unless a previous call did or is doing so. */
  ensure(session: Connection, stage: string): Promise<void> {
    if (this.#ready === undefined) {
      const ready = this.#exec(
        session,
        `CREATE STAGE IF NOT EXISTS ${stage}`,
        [],
        'SNOWFLAKE_BULK_LOAD_FAILED',
      ).then(() => undefined);
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = undefined;
      });
    }
    return this.#ready;
  }
}
