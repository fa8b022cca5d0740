#!/usr/bin/env node
// The `orderstream` command, as `npm run demo`, `npm run orderstream`, `npx orderstream` and the
// Docker image start it. It runs the CLI from a prebuilt entry: src/cli.ts with the option layer it
// imports (the sub-commands' options and checks), bundled by esbuild into .cache/cli/ and rebuilt
// whenever one of those files changed. So `--help`, `--version` and a user error cost Node and
// commander only, not the TypeScript loader (bench/cli.ts); once a command's options pass, tsx is
// registered and the command's implementation loads from the TypeScript sources, the packages
// through their `@orderstream/source` export condition (src/lazy-modules.ts).
import { spawn } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SOURCE_CONDITION = '--conditions=@orderstream/source';
const here = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const entry = join(root, 'examples/pipeline/src/cli.ts');
/** The one module of the option layer allowed to import others on demand (it registers tsx first). */
const lazyModules = join(root, 'examples/pipeline/src/lazy-modules.ts');
const outDir = join(root, '.cache/cli');
const outFile = join(outDir, 'orderstream.mjs');
const inputsFile = join(outDir, 'inputs.json');

/** Whether the built entry exists and none of the files it was built from changed since. */
async function isFresh() {
  try {
    const [built, inputs] = await Promise.all([
      stat(outFile),
      readFile(inputsFile, 'utf8').then((text) => JSON.parse(text)),
    ]);
    const times = await Promise.all(inputs.map((path) => stat(path).then((info) => info.mtimeMs)));
    return times.every((time) => time <= built.mtimeMs);
  } catch {
    return false;
  }
}

/**
 * The esbuild plugin of the entry: the option layer and `@orderstream/core/fs` are bundled (from
 * their sources: `import.meta.url` keeps each file's own location); other packages stay imports;
 * what lazy-modules.ts loads on demand stays a dynamic import of the source file.
 */
const optionLayer = {
  name: 'orderstream-option-layer',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const bare = !args.path.startsWith('.') && !args.path.startsWith('/');
      if (args.kind !== 'dynamic-import') {
        return bare && !args.path.startsWith('@orderstream/')
          ? { path: args.path, external: true }
          : undefined;
      }
      if (args.importer !== lazyModules) {
        return {
          errors: [
            {
              text: `${args.path} is imported on demand outside src/lazy-modules.ts: load it through loadModule(), which registers the TypeScript loader first`,
            },
          ],
        };
      }
      if (bare) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
    build.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

/**
 * Builds the entry when it is missing or out of date, and returns its path; `null` when it cannot
 * be written (a read-only checkout): the CLI then runs from its sources.
 */
async function builtEntry() {
  if (await isFresh()) return outFile;
  const started = new Date();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@orderstream/source'],
    outfile: outFile,
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: [optionLayer],
  }).catch(() => {
    // esbuild printed what is wrong, with the file and line.
    console.error('orderstream: the CLI entry cannot be built from examples/pipeline/src (see above)');
    process.exit(1);
  });
  // Written aside and renamed: another process may be reading the entry or building it too. Its
  // time is the build's start, so a file changed during the build makes the next run rebuild.
  const suffix = `${process.pid}.tmp`;
  const inputs = [...Object.keys(result.metafile.inputs).map((path) => join(root, path)), here];
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(`${inputsFile}.${suffix}`, JSON.stringify(inputs));
    await writeFile(`${outFile}.${suffix}`, result.outputFiles[0].contents);
    await utimes(`${outFile}.${suffix}`, started, started);
    await rename(`${inputsFile}.${suffix}`, inputsFile);
    await rename(`${outFile}.${suffix}`, outFile);
  } catch (error) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes(error?.code)) throw error;
    return null;
  } finally {
    await Promise.all([
      rm(`${inputsFile}.${suffix}`, { force: true }),
      rm(`${outFile}.${suffix}`, { force: true }),
    ]);
  }
  return outFile;
}

const registerTypeScript = async () => {
  const { register } = await import('tsx/esm/api');
  register();
};

if (process.execArgv.includes(SOURCE_CONDITION)) {
  const built = await builtEntry();
  if (built === null) {
    // No place to write the entry: the same program from its sources, slower to start.
    await registerTypeScript();
    const cli = await import(pathToFileURL(entry).href);
    await cli.main(process.argv);
  } else {
    const cli = await import(pathToFileURL(built).href);
    await cli.main(process.argv, { loadTypeScript: registerTypeScript });
  }
} else {
  // Started as a program (`npx orderstream`, a shebang): Node takes the packages' export
  // condition only from its command line, so run again with it, forwarding signals and the exit.
  const child = spawn(process.execPath, [SOURCE_CONDITION, here, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
