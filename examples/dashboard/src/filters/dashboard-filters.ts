import { z } from 'zod';
import { dashboardError } from '../dashboard-error.js';

/** The 27 Brazilian federative units (UF codes): the allow-list of the state filter. */
export const BRAZIL_STATES = [
  'AC',
  'AL',
  'AM',
  'AP',
  'BA',
  'CE',
  'DF',
  'ES',
  'GO',
  'MA',
  'MG',
  'MS',
  'MT',
  'PA',
  'PB',
  'PE',
  'PI',
  'PR',
  'RJ',
  'RN',
  'RO',
  'RR',
  'RS',
  'SC',
  'SE',
  'SP',
  'TO',
] as const;

const STATE_SET: ReadonlySet<string> = new Set(BRAZIL_STATES);

/** The longest accepted filter value; Olist's longest category name has 46 characters. */
const MAX_VALUE_LENGTH = 64;

/**
 * The filters of the live panels, as accepted in the query string. Unknown keys are rejected
 * (`strictObject`), so a typo never silently shows unfiltered data.
 */
export const dashboardFiltersSchema = z.strictObject({
  state: z
    .string()
    .max(2, 'a state is a 2-letter UF code')
    .refine((value) => STATE_SET.has(value), 'unknown state; expected a 2-letter UF code such as SP')
    .optional(),
  category: z
    .string()
    .min(1)
    .max(MAX_VALUE_LENGTH, `a category has at most ${MAX_VALUE_LENGTH} characters`)
    .regex(/^[a-z0-9_]+$/, 'a category is lower-case letters, digits and underscores')
    .optional(),
});

/** Validated live-panel filters: a customer state and a product category, each optional. */
export type DashboardFilters = z.output<typeof dashboardFiltersSchema>;

/**
 * Parses filters from URL search parameters, rejecting unknown or repeated keys, values that are
 * not on the allow-lists, and categories the warehouse has never seen.
 *
 * @param params - the request's search parameters
 * @param isKnownCategory - tells whether a (well-formed) category exists in the data
 * @returns the filters
 * @throws `OrderstreamError` `DASHBOARD_INVALID_FILTER` with zod's issues in `details.issues`
 */
export async function parseDashboardFilters(
  params: URLSearchParams,
  isKnownCategory: (category: string) => Promise<boolean>,
): Promise<DashboardFilters> {
  // No prototype: `__proto__=x` must become a key (and be rejected as unknown), not a no-op.
  const raw: Record<string, string> = Object.create(null);
  for (const [key, value] of params) {
    if (Object.hasOwn(raw, key)) {
      throw dashboardError('DASHBOARD_INVALID_FILTER', `Filter "${printable(key)}" is given more than once.`);
    }
    raw[key] = value;
  }
  const result = dashboardFiltersSchema.safeParse(raw);
  if (!result.success) {
    const summary = result.error.issues
      .map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown filter ${issue.keys.map((key) => `"${printable(key)}"`).join(', ')} (allowed: state, category)`
          : `${issue.path.join('.')}: ${issue.message}`,
      )
      .join('; ');
    throw dashboardError('DASHBOARD_INVALID_FILTER', `Invalid filter: ${summary}.`, {
      issues: result.error.issues.map(({ code, path, message }) => ({ code, path, message })),
    });
  }
  const filters = result.data;
  if (filters.category !== undefined && !(await isKnownCategory(filters.category))) {
    throw dashboardError(
      'DASHBOARD_INVALID_FILTER',
      `Invalid filter: unknown category "${filters.category}".`,
    );
  }
  return filters;
}

/**
 * A stable key of a filter set, used to share one computation among all viewers of the same filters.
 *
 * @param filters - validated filters
 * @returns e.g. `state=SP&category=` or `` for no filters
 */
export function filterKey(filters: DashboardFilters): string {
  if (filters.state === undefined && filters.category === undefined) return '';
  return `state=${filters.state ?? ''}&category=${filters.category ?? ''}`;
}

/** Echoes a user-supplied key back in a message, shortened and stripped of control characters. */
function printable(value: string): string {
  const cleaned = value.replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > 40 ? `${cleaned.slice(0, 40)}…` : cleaned;
}
