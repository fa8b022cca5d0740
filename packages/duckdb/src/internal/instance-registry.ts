import { DuckDBInstance } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from './sql.js';

/** A shared DuckDB instance and the function giving it back. */
export interface InstanceLease {
  readonly instance: DuckDBInstance;
  /**
   * The catalog the file is attached as, when it was (`rowGroupSize`): every connection must
   * `USE` it; `undefined` when the instance was opened on the file itself.
   */
  readonly attachedAs: string | undefined;
  release(): void;
}

/** The catalog name of a file attached with a row group size. */
const ATTACHED_AS = 'orderstream';

/** How to open a file: DuckDB settings, and a row group size (which only `ATTACH` takes). */
export interface OpenSettings {
  readonly config: Record<string, string>;
  readonly rowGroupSize: number | undefined;
}

/**
 * Settings DuckDB (1.5) accepts in the configuration it opens with but does not apply: they are
 * set with `SET GLOBAL` once the instance is open.
 */
const SET_AFTER_OPEN = new Set(['disabled_compression_methods']);

/**
 * Opens an instance on `path` with `config`, sets what {@link SET_AFTER_OPEN} lists, then runs
 * `statements` (e.g. an `ATTACH`) on a connection closed afterwards.
 */
async function openInstance(
  path: string,
  config: Record<string, string>,
  statements: readonly string[] = [],
): Promise<DuckDBInstance> {
  const atOpen: Record<string, string> = {};
  const afterOpen: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (SET_AFTER_OPEN.has(name)) afterOpen.push(`SET GLOBAL ${quoteIdent(name)} = ${quoteLiteral(value)}`);
    else atOpen[name] = value;
  }
  const instance = await DuckDBInstance.create(path, atOpen);
  if (afterOpen.length + statements.length === 0) return instance;
  try {
    const connection = await instance.connect();
    try {
      for (const sql of [...afterOpen, ...statements]) await connection.run(sql);
    } finally {
      connection.closeSync();
    }
  } catch (error) {
    instance.closeSync();
    throw error;
  }
  return instance;
}

function createInstance(key: string, settings: OpenSettings): Promise<DuckDBInstance> {
  if (settings.rowGroupSize === undefined) return openInstance(key, settings.config);
  return openInstance(':memory:', settings.config, [
    `ATTACH '${key.replaceAll("'", "''")}' AS ${ATTACHED_AS} (ROW_GROUP_SIZE ${settings.rowGroupSize})`,
  ]);
}

interface Entry {
  readonly instance: Promise<DuckDBInstance>;
  refs: number;
}

// DuckDB must not attach one file twice in one process: warehouses on the same file share an
// instance, closed when the last one lets go (which also releases the file lock).
const entries = new Map<string, Entry>();

/**
 * Opens (or shares) the instance of a database file; `:memory:` always gets a private one. The
 * first warehouse on a file decides how it is opened.
 *
 * @param key - the absolute path, or `:memory:`
 * @param settings - DuckDB settings and the row group size
 */
export async function leaseInstance(key: string, settings: OpenSettings): Promise<InstanceLease> {
  if (key === ':memory:') {
    const instance = await openInstance(':memory:', settings.config);
    return { instance, attachedAs: undefined, release: () => instance.closeSync() };
  }
  const attachedAs = settings.rowGroupSize === undefined ? undefined : ATTACHED_AS;
  let entry = entries.get(key);
  if (!entry) {
    const created: Entry = { instance: createInstance(key, settings), refs: 0 };
    entries.set(key, created);
    created.instance.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
    entry = created;
  }
  entry.refs += 1;
  const held = entry;
  let instance: DuckDBInstance;
  try {
    instance = await held.instance;
  } catch (error) {
    held.refs -= 1;
    throw error;
  }
  let released = false;
  return {
    instance,
    attachedAs,
    release: () => {
      if (released) return;
      released = true;
      held.refs -= 1;
      if (held.refs === 0 && entries.get(key) === held) {
        entries.delete(key);
        instance.closeSync();
      }
    },
  };
}
