import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { close, listen } from './stand-ins';

const PROJECT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CONSOLE_DIR = join(PROJECT, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');

/** What the console reads at start (console/src/config.ts). */
export interface ConsoleConfig {
  apiUrl: string;
  auth: { issuer?: string; domain?: string; clientId: string };
  dashboardUrl?: string;
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** The build is missing, or older than the console's sources or the project code it bundles. */
export function consoleBuildIsStale(): boolean {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = [join(CONSOLE_DIR, 'src'), join(CONSOLE_DIR, 'index.html'), join(CONSOLE_DIR, 'vite.config.ts'), join(PROJECT, 'shared', 'schemas'), join(PROJECT, 'shared', 'auth')];
  return sources.some((p) => existsSync(p) && newestMtime(p) > built);
}

/** Builds console/dist with Vite's JS API when it is missing or stale; says so, as it takes a while. */
export async function ensureConsoleBuilt(log: (m: string) => void = console.log): Promise<void> {
  if (!consoleBuildIsStale()) return;
  log('building the console (console/dist is missing or older than its sources; takes about half a minute) ...');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface ConsoleServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves the built console as CloudFront does on AWS: the files of console/dist, `/config.json`
 * for this stack, and index.html for every other path (the app routes in the browser).
 */
export async function startConsoleServer(opts: {
  port: number;
  /** This stack's settings; a function when the server must listen (and know its origin) before the stack exists. */
  config: ConsoleConfig | (() => ConsoleConfig);
  distDir?: string;
}): Promise<ConsoleServer> {
  const dist = opts.distDir ?? CONSOLE_DIST;
  const config = opts.config;
  const configBody = () => JSON.stringify(typeof config === 'function' ? config() : config);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      return void res.end();
    }
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      return void res.end(req.method === 'HEAD' ? undefined : configBody());
    }
    let file = normalize(join(dist, decodeURIComponent(url.pathname)));
    const inside = file.startsWith(dist + sep);
    const isFile = inside && existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      // A missing asset is a 404 (a stale tab asking for an old bundle); any other path is a page of the app.
      if (url.pathname.startsWith('/assets/') || !inside && url.pathname !== '/') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('not found');
      }
      file = join(dist, 'index.html');
    }
    const hashed = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      // Hashed bundles never change; index.html must be fetched anew to find the new ones.
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  });
  const port = await listen(server, opts.port, 'the console');
  return { url: `http://127.0.0.1:${port}`, port, stop: () => close(server) };
}
