import { z } from 'zod';

/**
 * The business time zone when none is configured: Olist's history is written in Brazil's local
 * time, so its hours and days are those of São Paulo.
 */
export const DEFAULT_BUSINESS_TIME_ZONE = 'America/Sao_Paulo';

/**
 * Whether the platform's time-zone database knows an IANA name.
 *
 * @param name - a candidate name such as `America/Sao_Paulo`
 * @returns `true` when `Intl.DateTimeFormat` accepts it
 */
function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zod schema of the `businessTimeZone` option: an IANA time-zone name the platform knows
 * (validated with `Intl.DateTimeFormat`), defaulting to {@link DEFAULT_BUSINESS_TIME_ZONE}.
 * Every hour and day a person sees (marts, dashboard, "today"/"this week", detector slots, the
 * demo's warm start) is a local hour or day of this zone; DST days have 23 or 25 hours.
 *
 * @defaultValue `'America/Sao_Paulo'`
 * @example
 * ```ts
 * const options = z.object({ businessTimeZone: businessTimeZoneSchema });
 * options.parse({}).businessTimeZone; // 'America/Sao_Paulo'
 * options.parse({ businessTimeZone: 'Mars/Olympus' }); // throws: not a known IANA time zone
 * ```
 */
export const businessTimeZoneSchema = z
  .string()
  .min(1)
  .refine(isKnownTimeZone, { error: (issue) => `not a known IANA time zone: ${String(issue.input)}` })
  .default(DEFAULT_BUSINESS_TIME_ZONE);
