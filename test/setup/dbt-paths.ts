import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Integration files run two at a time, and several of them run dbt on the one project in
// dbt_transform/. dbt writes its results (run_results.json, which runDbt reads back), manifest,
// catalog and partial-parse cache to the project's target/ folder, and its log to logs/: two builds
// at once would read each other's results. Each worker gets folders of its own, kept between the
// files it runs so dbt's partial parse still saves the parse of the unchanged project. dbt reads
// these variables itself; runDbt and any dbt the CLI starts inherit them. (VITEST_POOL_ID numbers
// the workers that run at the same time, from 1.)
const worker = join(
  fileURLToPath(new URL('../../.cache/dbt/', import.meta.url)),
  `worker-${process.env.VITEST_POOL_ID ?? '1'}`,
);
process.env.DBT_TARGET_PATH = join(worker, 'target');
process.env.DBT_LOG_PATH = join(worker, 'logs');
