import { z } from 'zod';
import type { AlertDirection, DetectorVerdict } from './detector.js';
import { parseState } from './internal/parse-state.js';

/** The states of one rule on one series, as in Prometheus and Grafana. */
export const ALERT_STATES = ['inactive', 'pending', 'firing'] as const;

/** One of {@link ALERT_STATES}. */
export type AlertState = (typeof ALERT_STATES)[number];

/** Which breaches a rule reacts to. */
export type AlertDirectionFilter = AlertDirection | 'both';

/** Options of an {@link AlertLifecycle}. */
export interface AlertLifecycleOptions {
  /**
   * Minutes a breach must persist, after its first minute, before it fires (Prometheus `for`).
   * @defaultValue 0 (fire on the first breaching minute)
   */
  forMinutes?: number;
  /**
   * Minutes after a resolve during which the same rule and series cannot go pending again.
   * @defaultValue 0 (minutes)
   */
  cooldownMinutes?: number;
  /**
   * Which breaches count.
   * @defaultValue `both`
   */
  direction?: AlertDirectionFilter;
}

/** What one minute did to a lifecycle. */
export type LifecycleTransition = 'none' | 'pending' | 'cancelled' | 'fired' | 'resolved' | 'reversed';

const lifecycleStateSchema = z
  .object({
    state: z.enum(ALERT_STATES),
    direction: z.enum(['spike', 'drop']).nullable(),
    startedAt: z.number().nullable(),
    firedAt: z.number().nullable(),
    cooldownUntil: z.number(),
  })
  .strict();

/** The JSON state of an {@link AlertLifecycle}. */
export interface AlertLifecycleState {
  readonly state: AlertState;
  readonly direction: AlertDirection | null;
  /** Start of the first breaching minute (epoch ms), or `null`. */
  readonly startedAt: number | null;
  /** When it fired (epoch ms), or `null`. */
  readonly firedAt: number | null;
  /** Epoch ms before which no new alert may start; `-1` for none. */
  readonly cooldownUntil: number;
}

const MINUTE_MS = 60_000;

/**
 * The pending → firing → resolved state machine of one rule on one series, driven by a detector's
 * verdict per closed minute:
 *
 * - **inactive → pending** on a breach in an allowed direction, unless in cooldown;
 * - **pending → firing** once the breach has lasted `forMinutes` more minutes; a minute without
 *   breach cancels the pending alert silently (as in Prometheus);
 * - **firing → resolved** (back to inactive) once the detector reports `recovered` — its recovery
 *   threshold is looser than its trigger, so a value hovering at the edge does not flap;
 * - **firing → firing the other way** (`reversed`) on a breach in the opposite direction: the first
 *   alert resolves and a new one fires (a drop that turns into a spike is two incidents);
 * - after a resolve, `cooldownMinutes` must pass before the rule can go pending again.
 *
 * Times are event times: the start of the minute judged, in epoch milliseconds.
 *
 * @example
 * ```ts
 * const lifecycle = new AlertLifecycle({ forMinutes: 2, cooldownMinutes: 10 });
 * if (lifecycle.step(minute, detector.update(minute, value)) === 'fired') notify();
 * ```
 */
export class AlertLifecycle {
  readonly #forMs: number;
  readonly #cooldownMs: number;
  readonly #direction: AlertDirectionFilter;
  #state: AlertState = 'inactive';
  #breachDirection: AlertDirection | null = null;
  #startedAt: number | null = null;
  #firedAt: number | null = null;
  #cooldownUntil = Number.NEGATIVE_INFINITY;

  /**
   * @param options - `for`, cooldown and direction
   */
  constructor(options: AlertLifecycleOptions = {}) {
    this.#forMs = (options.forMinutes ?? 0) * MINUTE_MS;
    this.#cooldownMs = (options.cooldownMinutes ?? 0) * MINUTE_MS;
    this.#direction = options.direction ?? 'both';
  }

  /** The current state. */
  get state(): AlertState {
    return this.#state;
  }

  /** The direction of the pending or firing alert, else `null`. */
  get direction(): AlertDirection | null {
    return this.#breachDirection;
  }

  /** Start of the first breaching minute of the pending or firing alert (epoch ms), else `null`. */
  get startedAt(): number | null {
    return this.#startedAt;
  }

  /** End of the minute at which the alert fired (epoch ms), else `null`. */
  get firedAt(): number | null {
    return this.#firedAt;
  }

  /**
   * Advances the state machine by one closed minute.
   *
   * @param minuteStartMs - the start of the minute judged, in epoch milliseconds
   * @param verdict - the detector's verdict on that minute
   * @returns what changed: `pending`, `cancelled`, `fired`, `resolved` or `none`
   */
  step(minuteStartMs: number, verdict: DetectorVerdict): LifecycleTransition {
    const breach =
      verdict.breach !== null && (this.#direction === 'both' || this.#direction === verdict.breach)
        ? verdict.breach
        : null;
    switch (this.#state) {
      case 'inactive': {
        if (breach === null || minuteStartMs < this.#cooldownUntil) return 'none';
        this.#breachDirection = breach;
        this.#startedAt = minuteStartMs;
        if (this.#forMs === 0) return this.#fire(minuteStartMs);
        this.#state = 'pending';
        return 'pending';
      }
      case 'pending': {
        if (breach !== this.#breachDirection) {
          this.#reset();
          return 'cancelled';
        }
        if (minuteStartMs - (this.#startedAt as number) >= this.#forMs) return this.#fire(minuteStartMs);
        return 'none';
      }
      case 'firing': {
        if (breach !== null && breach !== this.#breachDirection) {
          // A drop that turns into a spike (or back) ends the first alert and starts the other.
          this.#breachDirection = breach;
          this.#startedAt = minuteStartMs;
          this.#firedAt = minuteStartMs + MINUTE_MS;
          return 'reversed';
        }
        if (!verdict.recovered) return 'none';
        this.#reset();
        this.#cooldownUntil = minuteStartMs + MINUTE_MS + this.#cooldownMs;
        return 'resolved';
      }
    }
  }

  #fire(minuteStartMs: number): LifecycleTransition {
    this.#state = 'firing';
    this.#firedAt = minuteStartMs + MINUTE_MS;
    return 'fired';
  }

  #reset(): void {
    this.#state = 'inactive';
    this.#breachDirection = null;
    this.#startedAt = null;
    this.#firedAt = null;
  }

  /**
   * The state machine's state, as plain JSON.
   *
   * @returns a copy of the state
   */
  snapshot(): AlertLifecycleState {
    return {
      state: this.#state,
      direction: this.#breachDirection,
      startedAt: this.#startedAt,
      firedAt: this.#firedAt,
      cooldownUntil: Number.isFinite(this.#cooldownUntil) ? this.#cooldownUntil : -1,
    };
  }

  /**
   * Replaces the state with one taken by {@link AlertLifecycle.snapshot}.
   *
   * @param state - a lifecycle state
   * @throws {@link OrderstreamError} `CORE_DETECTOR_STATE_INVALID` when `state` does not fit
   */
  restore(state: AlertLifecycleState): void {
    const parsed = parseState('AlertLifecycle', lifecycleStateSchema, state);
    this.#state = parsed.state;
    this.#breachDirection = parsed.direction;
    this.#startedAt = parsed.startedAt;
    this.#firedAt = parsed.firedAt;
    this.#cooldownUntil = parsed.cooldownUntil < 0 ? Number.NEGATIVE_INFINITY : parsed.cooldownUntil;
  }
}
