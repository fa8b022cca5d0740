/** One labelled anomaly window of a series, inclusive at both ends (epoch milliseconds). */
export interface NabWindow {
  /** The first instant inside the window. */
  readonly start: number;
  /** The last instant inside the window. */
  readonly end: number;
}

/** What {@link scoreNab} needs: the series' row times, its windows and the rows with a detection. */
export interface NabScoreInput {
  /** Each row's timestamp (epoch milliseconds), ascending. */
  readonly timestamps: readonly number[];
  /** The labelled windows. */
  readonly windows: readonly NabWindow[];
  /** Indices of the rows with a detection (any order; duplicates count once). */
  readonly detections: readonly number[];
}

/** The result of {@link scoreNab} on one series. */
export interface NabScore {
  /** The raw score: true positives' weights − 1 per missed window − 0.11 × each false positive's weight. */
  readonly raw: number;
  /** `100 × (raw − null) ÷ (perfect − null)`: 0 for no detection at all, 100 for a perfect detector. */
  readonly normalized: number;
  /** Windows with at least one detection. */
  readonly windowsHit: number;
  /** Detections outside every window (after the probation period). */
  readonly falsePositiveRows: number;
  /** The null detector's raw score: −(number of windows). */
  readonly nullScore: number;
  /** The perfect detector's raw score: +(number of windows). */
  readonly perfectScore: number;
  /** Rows in the probation period (the first 15 %, at most 750): detections there do not count. */
  readonly probationRows: number;
}

/** NAB's standard application profile: weights of a true positive, a false positive, a false negative. */
export const NAB_STANDARD_PROFILE = Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });

const PROBATION_PERCENT = 0.15;
const PROBATION_MAX_ROWS = 750;

/** NAB's `scaledSigmoid`: `2·sigmoid(−5·x) − 1`, and −1 once `x` > 3. */
function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

/**
 * Scores one series' detections with the Numenta Anomaly Benchmark's standard profile, as NAB's
 * sweeper does for one file:
 *
 * - the first 15 % of rows (at most 750) are a probation period: detections there do not count;
 * - a window without a detection costs −1;
 * - the first detection in a window earns `scaledSigmoid(p) ÷ scaledSigmoid(−1)` (1.0 at the
 *   window's first row), with `p = −(rows to the window's end + 1) ÷ window rows`; later ones earn 0;
 * - a detection outside every window costs `0.11 × −1` before the first window ends, else
 *   `0.11 × scaledSigmoid(q)` with `q = rows since the previous window's end ÷ (its rows − 1)`;
 * - normalized = `100 × (raw + windows) ÷ (2 × windows)`.
 *
 * @param input - row times, windows and detected rows
 * @returns the raw and normalized scores and the counts behind them
 * @example
 * ```ts
 * const score = scoreNab({ timestamps, windows: [{ start, end }], detections: [1200, 4800] });
 * console.log(score.normalized.toFixed(1));
 * ```
 */
export function scoreNab(input: NabScoreInput): NabScore {
  const { timestamps } = input;
  const rows = timestamps.length;
  const probationRows = Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_MAX_ROWS);
  const windows = input.windows
    .map((w) => {
      const left = lowerBound(timestamps, w.start);
      const right = lowerBound(timestamps, w.end + 1) - 1;
      return { left, right, width: right - left + 1 };
    })
    .filter((w) => w.width > 0)
    .sort((a, b) => a.left - b.left);
  const { tpWeight, fpWeight, fnWeight } = NAB_STANDARD_PROFILE;
  const maxTp = scaledSigmoid(-1);
  const hit = new Set<number>();
  let raw = 0;
  let falsePositiveRows = 0;
  const detections = [...new Set(input.detections)]
    .filter((i) => i >= probationRows && i < rows)
    .sort((a, b) => a - b);
  for (const i of detections) {
    const inside = windows.findIndex((w) => w.left <= i && i <= w.right);
    if (inside >= 0) {
      if (hit.has(inside)) continue;
      hit.add(inside);
      const w = windows[inside] as (typeof windows)[number];
      const position = -(w.right - i + 1) / w.width;
      raw += (tpWeight * scaledSigmoid(position)) / maxTp;
      continue;
    }
    falsePositiveRows += 1;
    let previous: (typeof windows)[number] | undefined;
    for (const w of windows) if (w.right < i) previous = w;
    const weight =
      previous === undefined ? -1 : scaledSigmoid(Math.abs(previous.right - i) / (previous.width - 1));
    raw += fpWeight * weight;
  }
  raw -= fnWeight * (windows.length - hit.size);
  const nullScore = -fnWeight * windows.length;
  const perfectScore = tpWeight * windows.length;
  const span = perfectScore - nullScore;
  return {
    raw,
    normalized: span === 0 ? 0 : (100 * (raw - nullScore)) / span,
    windowsHit: hit.size,
    falsePositiveRows,
    nullScore,
    perfectScore,
    probationRows,
  };
}

/** The first index whose value is ≥ `target` (values ascending). */
function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
