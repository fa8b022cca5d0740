import type { TableDefinition } from '@orderstream/core';
import type { Connection } from 'snowflake-sdk';
import type { ExecStatement } from './exec-statement.js';
import { createStagingSql, quoteIdent } from './sql.js';

/** Settles when the staging DDL of the session whose turn it is ends. */
let ddlTurn: Promise<void> = Promise.resolve();

/**
 * The temporary staging tables each session has created (temporary tables belong to their session).
 *
 * Sessions create theirs one at a time, across every warehouse of the process: two sessions
 * creating the same temporary table name at once can collide in a server's shared catalog
 * (`duplicate key`) although each says `IF NOT EXISTS` and each table is its session's own. The
 * wait is paid once per session and table.
 */
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
    const staged = this.#staged.get(session);
    if (staged && tables.every((table) => staged.has(table.name))) return;
    const previous = ddlTurn;
    let done = (): void => undefined;
    ddlTurn = new Promise((resolve) => {
      done = resolve;
    });
    try {
      await previous;
      await this.#create(session, tables);
    } finally {
      done();
    }
  }

  async #create(session: Connection, tables: readonly TableDefinition[]): Promise<void> {
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
