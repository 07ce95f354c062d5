import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../function-catalog';
import type { Clock } from '../../shared/adapters/clock';

/**
 * Each function locally is its own bundle, as on AWS (NodejsFunction bundles per function), with
 * its own environment: in the bundle `process.env` is the object the local runtime derived for
 * that function from its catalog entry (local-function-environment.ts), so what our code reads
 * is exactly what the stack would set, and nothing the other functions get. Packages stay
 * external: the SDK and the other libraries are loaded once per process and read the process's
 * own environment, which holds only the endpoints, the local credentials and the region.
 *
 * A bundle is imported once per (stack, function) with its environment's key in the URL's query,
 * so two stacks in one process (tests) each get their own module instances, config and clock.
 * Bundles are cached on disk by a hash of the sources, so a restart builds nothing new.
 */

/** What a bundle exports: the function's handler, and the clock port of its own module instance. */
export interface FunctionModule {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
  useClock(clock: Clock): void;
}

const ENV_GLOBAL = '__recoupFunctionEnv';
/** Where bundles are kept; RECOUP_BUNDLE_CACHE_DIR moves it (the load benchmark measures builds in an empty one). */
const CACHE_DIR = process.env.RECOUP_BUNDLE_CACHE_DIR || join(PROJECT_ROOT, 'node_modules', '.cache', 'recoup-functions');
/** Folders whose sources go into a function's bundle. */
const SOURCE_DIRS = ['functions', 'shared', 'state-machines'];

type EnvTable = Record<string, Record<string, string>>;
const envTable = (): EnvTable => ((globalThis as Record<string, unknown>)[ENV_GLOBAL] ??= {}) as EnvTable;

let sourceHash: string | undefined;

/** A hash of every source a bundle may include (and of the lock file, for the external packages' versions). */
function hashOfSources(): string {
  if (sourceHash) return sourceHash;
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile()) h.update(relative(PROJECT_ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(join(PROJECT_ROOT, d))) walk(join(PROJECT_ROOT, d));
  const lock = join(PROJECT_ROOT, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return (sourceHash = h.digest('hex').slice(0, 16));
}

const building = new Map<string, Promise<string>>();

/**
 * The bundle of `entry` (a path under the project, exporting `handler`), built once per source
 * hash. Its `process.env` is the environment registered under the key in its URL.
 */
export function bundleOf(entry: string): Promise<string> {
  // The entry's own text counts too: an entry outside the source folders (a test's probe) rebuilds when it changes.
  const entryHash = createHash('sha256').update(readFileSync(join(PROJECT_ROOT, entry))).digest('hex').slice(0, 8);
  const file = join(CACHE_DIR, hashOfSources(), `${entry.replace(/[^\w.-]+/g, '_')}-${entryHash}.mjs`);
  let done = building.get(file);
  if (!done) {
    done = (async () => {
      if (existsSync(file) && statSync(file).size > 0) return file;
      const out = await build({
        stdin: {
          contents: `export { handler } from ${JSON.stringify(`./${entry}`)};\nexport { useClock } from './shared/adapters/clock.ts';\n`,
          resolveDir: PROJECT_ROOT,
          loader: 'ts',
          sourcefile: `${entry}.entry.ts`,
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        write: false,
        logLevel: 'error',
        // The function's own environment, looked up by the key its importer put in the URL.
        banner: { js: `const __functionEnv = globalThis.${ENV_GLOBAL}?.[new URL(import.meta.url).searchParams.get('env')]; if (!__functionEnv) throw new Error('no environment registered for ' + import.meta.url);` },
        define: { 'process.env': '__functionEnv' },
      });
      mkdirSync(join(CACHE_DIR, hashOfSources()), { recursive: true });
      // Written whole and renamed: another process reading the cache never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, out.outputFiles[0]!.contents);
      renameSync(tmp, file);
      return file;
    })();
    building.set(file, done);
    done.catch(() => building.delete(file));
  }
  return done;
}

/** Imports the bundle of `entry` as a module instance of its own that sees `env` as its process.env. */
export async function loadFunctionModule(entry: string, key: string, env: Record<string, string>): Promise<FunctionModule> {
  // A copy: a handler that writes to its environment changes no other function's.
  envTable()[key] = { ...env };
  const file = await bundleOf(entry);
  return (await import(`${pathToFileURL(file).href}?env=${encodeURIComponent(key)}`)) as FunctionModule;
}

/** The entry of the function in `functions/<folder>/`. */
export const handlerEntry = (folder: string) => `functions/${folder}/handler.ts`;
