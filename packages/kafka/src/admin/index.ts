export type { EnsureTopicsReport, TopicReport } from './ensure-topics.js';
export { ensureTopics } from './ensure-topics.js';
export type { EnsureTopicsOptions, ResolvedEnsureTopicsOptions } from './options.js';
export { ENSURE_TOPICS_DEFAULTS, ensureTopicsOptionsSchema } from './options.js';
