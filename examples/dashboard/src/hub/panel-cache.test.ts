import { describe, expect, it } from 'vitest';
import { DataVersion } from './data-version.js';
import { PanelCache } from './panel-cache.js';

/** A promise settled by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PanelCache', () => {
  it('runs one computation for concurrent requests of a key and version, and reuses it until the version moves', async () => {
    const cache = new PanelCache(10);
    let runs = 0;
    const gate = deferred<void>();
    const load = async () => {
      runs += 1;
      await gate.promise;
      return `value ${runs}`;
    };
    const concurrent = Array.from({ length: 50 }, () => cache.get('kpis|', 'v1', load));
    gate.resolve();
    expect(new Set(await Promise.all(concurrent))).toEqual(new Set(['value 1']));
    expect(await cache.get('kpis|', 'v1', load)).toBe('value 1');
    expect(runs).toBe(1);
    expect(await cache.get('kpis|', 'v2', load)).toBe('value 2');
    expect(await cache.get('kpis|state=SP', 'v2', load)).toBe('value 3');
    expect(runs).toBe(3);
  });

  it('forgets a failed computation so the next request tries again', async () => {
    const cache = new PanelCache(10);
    let runs = 0;
    const load = async () => {
      runs += 1;
      if (runs === 1) throw new Error('warehouse locked');
      return 'ok';
    };
    await expect(cache.get('k', 'v', load)).rejects.toThrow('warehouse locked');
    expect(await cache.get('k', 'v', load)).toBe('ok');
    expect(runs).toBe(2);
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const cache = new PanelCache(2);
    let runs = 0;
    const load = async () => ++runs;
    await cache.get('a', 'v', load);
    await cache.get('b', 'v', load);
    await cache.get('c', 'v', load);
    expect(await cache.get('c', 'v', load)).toBe(3);
    expect(await cache.get('a', 'v', load)).toBe(4);
  });

  it('shares a running computation without caching it afterwards', async () => {
    const cache = new PanelCache(10);
    let runs = 0;
    const gate = deferred<void>();
    const load = async () => {
      runs += 1;
      await gate.promise;
      return runs;
    };
    const first = cache.share('alerts|', load);
    const second = cache.share('alerts|', load);
    gate.resolve();
    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(await cache.share('alerts|', load)).toBe(2);
  });
});

describe('DataVersion', () => {
  it('shares reads between concurrent callers but never answers a caller with a read that started before it', async () => {
    const reads: ReturnType<typeof deferred<string>>[] = [];
    const version = new DataVersion(() => {
      const read = deferred<string>();
      reads.push(read);
      return read.promise;
    });
    const first = version.get();
    expect(reads).toHaveLength(1);
    // Arrived while read 1 runs (which may predate their writes): they share read 2, which
    // starts when read 1 ends.
    const later = [version.get(), version.get(), version.get()];
    expect(reads).toHaveLength(1);
    reads[0]?.resolve('rows=1');
    expect(await first).toBe('rows=1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(reads).toHaveLength(2);
    reads[1]?.resolve('rows=2');
    expect(await Promise.all(later)).toEqual(['rows=2', 'rows=2', 'rows=2']);
    // Nothing running: a new caller starts a new read.
    const after = version.get();
    expect(reads).toHaveLength(3);
    reads[2]?.resolve('rows=3');
    expect(await after).toBe('rows=3');
  });

  it('lets the next caller read again after a failed read', async () => {
    let n = 0;
    const version = new DataVersion(async () => {
      n += 1;
      if (n === 1) throw new Error('unreachable');
      return `v${n}`;
    });
    await expect(version.get()).rejects.toThrow('unreachable');
    expect(await version.get()).toBe('v2');
  });
});
