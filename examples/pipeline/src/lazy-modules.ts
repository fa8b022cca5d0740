// Every module the CLI's option layer loads on demand, once a command's options are checked. The
// option layer imports them only through `loadModule`, and nowhere else dynamically (the build of
// bin/orderstream.mjs fails on any other dynamic import): when the CLI runs from its prebuilt entry,
// the TypeScript loader (tsx) is not there yet, and `loadModule` registers it first.

/** The modules loaded on demand, by name. */
const MODULES = {
  core: () => import('@orderstream/core'),
  'actions/check': () => import('./actions/check.js'),
  'actions/dlq': () => import('./actions/dlq.js'),
  'actions/generate': () => import('./actions/generate.js'),
  'actions/health': () => import('./actions/health.js'),
  'actions/load-history': () => import('./actions/load-history.js'),
  'actions/produce': () => import('./actions/produce.js'),
  'actions/sink': () => import('./actions/sink.js'),
  'actions/topics': () => import('./actions/topics.js'),
  'demo/local-kafka': () => import('./demo/local-kafka.js'),
  'demo/run-demo': () => import('./demo/run-demo.js'),
} as const;

/** A module {@link loadModule} knows. */
export type LazyModuleName = keyof typeof MODULES;

let typeScriptLoader: (() => Promise<void>) | undefined;
let typeScriptLoaded: Promise<void> | undefined;

/**
 * Sets how the TypeScript loader is registered before the first module loads: the prebuilt entry
 * (bin/orderstream.mjs) passes tsx's `register`; from the sources (`node --import tsx`) nothing is
 * needed.
 *
 * @param load - registers the loader
 */
export function setTypeScriptLoader(load: () => Promise<void>): void {
  typeScriptLoader = load;
}

/**
 * Loads a module on demand, the TypeScript loader first (once) when the CLI runs from its prebuilt
 * entry.
 *
 * @param name - the module
 * @returns its exports
 */
export async function loadModule<N extends LazyModuleName>(
  name: N,
): Promise<Awaited<ReturnType<(typeof MODULES)[N]>>> {
  typeScriptLoaded ??= typeScriptLoader?.() ?? Promise.resolve();
  await typeScriptLoaded;
  return (await MODULES[name]()) as Awaited<ReturnType<(typeof MODULES)[N]>>;
}
