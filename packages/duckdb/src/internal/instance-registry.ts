import { DuckDBInstance } from '@duckdb/node-api';

/** A shared DuckDB instance and the function giving it back. */
export interface InstanceLease {
  readonly instance: DuckDBInstance;
  release(): void;
}

interface Entry {
  readonly instance: Promise<DuckDBInstance>;
  refs: number;
}

// DuckDB must not attach one file twice in one process: warehouses on the same file share an
// instance, closed when the last one lets go (which also releases the file lock).
const entries = new Map<string, Entry>();

/**
 * Opens (or shares) the instance of a database file; `:memory:` always gets a private one.
 *
 * @param key - the absolute path, or `:memory:`
 */
export async function leaseInstance(key: string, config: Record<string, string>): Promise<InstanceLease> {
  if (key === ':memory:') {
    const instance = await DuckDBInstance.create(':memory:', config);
    return { instance, release: () => instance.closeSync() };
  }
  let entry = entries.get(key);
  if (!entry) {
    const created: Entry = { instance: DuckDBInstance.create(key, config), refs: 0 };
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
