/** Local defaults from the public contract; each can be changed by the environment variable named here. */
export const PORT_ENV = {
  api: 'RECOUP_API_PORT',
  s3: 'RECOUP_S3_PORT',
  dynamo: 'RECOUP_DYNAMO_PORT',
  ses: 'RECOUP_SES_PORT',
  auth: 'RECOUP_AUTH_PORT',
} as const;

export const DEFAULT_PORTS = { api: 3000, s3: 4569, dynamo: 8000, ses: 8005, auth: 8010 } as const;

export type Ports = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

/** Every listener on a port the system picks (tests, benchmarks): derived, so a listener added later is never left on its default. */
export const FREE_PORTS: Readonly<Ports> = Object.freeze(Object.fromEntries(Object.keys(DEFAULT_PORTS).map((k) => [k, 0])) as Ports);

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Ports {
  const out: Ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(PORT_ENV) as (keyof Ports)[]) {
    const raw = env[PORT_ENV[key]];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${PORT_ENV[key]}=${raw} is not a port number (0-65535)`);
    out[key] = n;
  }
  return out;
}

export const DEFAULT_ADMIN_TOKEN = 'local-admin-token';
export const ADMIN_TOKEN_ENV = 'RECOUP_ADMIN_TOKEN';
export const DROP_BUCKET = 'recoup-drop';
/** The documents bucket (letters' PDFs): written by the letter step, read by the cases API for its links. */
export const DOCUMENTS_BUCKET = 'recoup-letters';
export const TABLE_NAME = 'recoup';
/** The one key pair the local stand-ins accept (s3rver knows only this account). */
export const LOCAL_ACCESS_KEY_ID = 'S3RVER';
export const LOCAL_SECRET_ACCESS_KEY = 'S3RVER';

/** The agency admin an empty data folder gets (the contract's defaults), and the variables that change them. */
export const DEFAULT_ADMIN_EMAIL = 'admin@recoup.local';
export const DEFAULT_ADMIN_PASSWORD = 'local-admin-password';
export const ADMIN_EMAIL_ENV = 'RECOUP_ADMIN_EMAIL';
export const ADMIN_PASSWORD_ENV = 'RECOUP_ADMIN_PASSWORD';

/** The console's port: its origin is the only one the API and the issuer allow (CORS, redirects). */
export const CONSOLE_PORT_ENV = 'RECOUP_CONSOLE_PORT';
export const DEFAULT_CONSOLE_PORT = 3001;
export function consoleOrigin(env: NodeJS.ProcessEnv = process.env): string {
  return `http://127.0.0.1:${env[CONSOLE_PORT_ENV] || DEFAULT_CONSOLE_PORT}`;
}

/** The local user pool's id and the console's app client id, shaped like Cognito's. */
export const LOCAL_USER_POOL_ID = 'eu-west-1_recouplocal';
export const LOCAL_APP_CLIENT_ID = 'recoup-console-local';
