/**
 * The folder the demo generates its history into when `--data` is not given.
 *
 * @param options - the demo's `--orders` and `--seed`
 * @returns `data/olist-<orders>-seed<seed>`, relative to the working folder
 */
export const generatedDir = (options: { orders: number; seed: number }): string =>
  `data/olist-${options.orders}-seed${options.seed}`;
