// The clock is defined once, in core; kafka re-exports it so that `import { systemClock } from
// '@orderstream/kafka'` keeps working.
export type { Clock } from '@orderstream/core';
export { systemClock } from '@orderstream/core';
