/** Peak memory of this process over a stretch of time, in bytes. */
export interface MemoryPeak {
  /** Resident set size: JS heap, buffers and native memory (DuckDB runs in-process). */
  readonly rss: number;
  /** V8 heap in use. */
  readonly heapUsed: number;
}

/**
 * Samples this process's memory until stopped.
 *
 * @param intervalMs - sampling period (peaks shorter than this can be missed)
 * @returns `stop()`, which returns the peaks seen
 */
export function sampleMemory(intervalMs = 50): { stop(): MemoryPeak } {
  let rss = 0;
  let heapUsed = 0;
  const take = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heapUsed = Math.max(heapUsed, usage.heapUsed);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rss, heapUsed };
    },
  };
}

/** Bytes as MiB. */
export const mib = (bytes: number): number => bytes / 2 ** 20;
