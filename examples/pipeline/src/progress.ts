import cliProgress from 'cli-progress';

/** A progress bar on stderr with a rate in the bar's unit; silent when stderr is not a terminal. */
export interface Progress {
  /** Starts the bar at 0 of `total` `unit`s (rows unless told: the rate reads `<unit>/s`). */
  start(total: number, label: string, unit?: string): void;
  /** Moves the bar to `value`; a `total` replaces the total (for estimates refined as work goes). */
  update(value: number, total?: number): void;
  stop(): void;
}

/**
 * Creates a progress bar for long work. On a terminal it redraws in place; elsewhere (CI, pipes)
 * it prints nothing, so logs stay readable.
 */
export function createProgress(): Progress {
  if (!process.stderr.isTTY) {
    return { start() {}, update() {}, stop() {} };
  }
  const started = { at: 0 };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        '{label} [{bar}] {percentage}% | {value}/{total} {unit} | {rate} {unit}/s | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(total, label, unit = 'rows') {
      started.at = Date.now();
      bar.start(total, 0, { label, rate: 0, unit });
    },
    update(value, total) {
      if (total !== undefined) bar.setTotal(total);
      const seconds = Math.max((Date.now() - started.at) / 1000, 0.001);
      bar.update(value, { rate: Math.round(value / seconds) });
    },
    stop() {
      bar.stop();
    },
  };
}
