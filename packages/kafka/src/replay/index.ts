export type { ReplayOlistOptions, ResolvedReplayOlistOptions } from './options.js';
export { replayOlistOptionsSchema } from './options.js';
export type { OlistReplay, ReplayStats } from './replay-olist-orders.js';
export { replayOlistOrders } from './replay-olist-orders.js';
