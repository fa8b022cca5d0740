import type { TableDefinition } from '@orderstream/core';
import type { Connection } from 'snowflake-sdk';
import type { ExecStatement } from './exec-statement.js';
import { createStagingSql, quoteIdent } from './sql.js';

/** The temporary staging tables each session has created (temporary tables belong to their session). */
export class StagingTables {
  readonly #exec: ExecStatement;
  readonly #schema: string;
  readonly #staged = new WeakMap<Connection, Set<string>>();

  /**
   * @param exec - runs the DDL
   * @param schema - the RAW schema, made the session's current one
   */
  constructor(exec: ExecStatement, schema: string) {
    this.#exec = exec;
    this.#schema = schema;
  }

  /** Creates the staging tables of `tables` the session does not have yet (DDL: outside a transaction). */
  async ensure(session: Connection, tables: readonly TableDefinition[]): Promise<void> {
    let staged = this.#staged.get(session);
    if (!staged) {
      // The schema may not have existed when the session logged in.
      await this.#exec(session, `USE SCHEMA ${quoteIdent(this.#schema)}`);
      staged = new Set();
      this.#staged.set(session, staged);
    }
    for (const table of tables) {
      if (staged.has(table.name)) continue;
      await this.#exec(session, createStagingSql(table));
      staged.add(table.name);
    }
  }
}
