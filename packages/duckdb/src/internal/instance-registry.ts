import { DuckDBInstance } from '@duckdb/node-api';

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

async function createInstance(key: string, settings: OpenSettings): Promise<DuckDBInstance> {
  if (settings.rowGroupSize === undefined) return DuckDBInstance.create(key, settings.config);
  const instance = await DuckDBInstance.create(':memory:', settings.config);
  const connection = await instance.connect();
  try {
    await connection.run(
      `ATTACH '${key.replaceAll("'", "''")}' AS ${ATTACHED_AS} (ROW_GROUP_SIZE ${settings.rowGroupSize})`,
    );
  } catch (error) {
    instance.closeSync();
    throw error;
  } finally {
    connection.closeSync();
  }
  return instance;
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
    const instance = await DuckDBInstance.create(':memory:', settings.config);
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
