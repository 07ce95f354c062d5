import { resolve } from 'node:path';
import { startLocalStack } from './stack';
import { ADMIN_EMAIL_ENV, ADMIN_PASSWORD_ENV, ADMIN_TOKEN_ENV, CONSOLE_PORT_ENV, consoleOrigin, PORT_ENV, portsFromEnv } from './ports';
import { ensureConsoleBuilt, startConsoleServer } from './console-server';

/** `npm start`: Recoup on this machine. `npm start -- --reset` starts with empty data. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('usage: npm start [-- --reset]\n  --reset  delete local data (.recoup/) and start empty');
    return;
  }
  const dataDir = resolve(process.env.RECOUP_DATA_DIR ?? '.recoup');
  const started = Date.now();
  console.log(`Starting Recoup locally (data in ${dataDir}${args.includes('--reset') ? ', reset' : ''}) ...`);
  const stack = await startLocalStack({
    dataDir,
    ports: portsFromEnv(),
    adminToken: process.env[ADMIN_TOKEN_ENV] || undefined,
    admin: { email: process.env[ADMIN_EMAIL_ENV] || undefined, password: process.env[ADMIN_PASSWORD_ENV] || undefined },
    reset: args.includes('--reset'),
    log: (m) => console.log(`  ${m}`),
  });

  // The console: built when console/dist is missing or stale, served with this stack's settings.
  await ensureConsoleBuilt((m) => console.log(`  ${m}`));
  const web = await startConsoleServer({
    port: Number(new URL(consoleOrigin()).port),
    config: { apiUrl: stack.urls.api, auth: { issuer: stack.signIn.issuer, clientId: stack.signIn.clientId } },
  }).catch(async (e: unknown) => {
    await stack.stop();
    throw e;
  });

  const rows: [string, string, string][] = [
    ['Console (sign in here)', web.url, CONSOLE_PORT_ENV],
    ['API', stack.urls.api, PORT_ENV.api],
    ['S3 (s3rver), bucket recoup-drop', stack.urls.s3, PORT_ENV.s3],
    ['DynamoDB (dynalite)', stack.urls.dynamo, PORT_ENV.dynamo],
    ['SES local, mail viewer and /store', stack.urls.ses, PORT_ENV.ses],
    ['Sign-in (OpenID Connect issuer)', stack.urls.auth, PORT_ENV.auth],
  ];
  console.log(`\nRecoup is running (ready in ${Date.now() - started} ms).\n`);
  for (const [what, url, env] of rows) console.log(`  ${what.padEnd(36)} ${url.padEnd(24)} (port: ${env})`);
  const admin = stack.admin.created ? `${stack.admin.email} / ${stack.admin.password}` : `${stack.admin.email} (password as set when this data folder was created)`;
  console.log(`\n  Console: ${web.url}   Agency admin sign-in: ${admin}   (${ADMIN_EMAIL_ENV}, ${ADMIN_PASSWORD_ENV} on an empty data folder)`);
  console.log(`  Issuer: ${stack.signIn.discovery}   (app client ${stack.signIn.clientId})`);
  console.log(`  Admin token: ${stack.adminToken}   (set ${ADMIN_TOKEN_ENV} to change it)`);
  console.log(`  Virtual time: ${stack.clock.now().toISOString()}   (POST ${stack.urls.api}/local/clock/advance {"days": n})`);
  console.log(`\n  Try: TOKEN=$(curl -s -X POST ${stack.urls.api}/local/auth/token -H 'content-type: application/json' -d '{"email":"${stack.admin.email}","password":"${stack.admin.created ? stack.admin.password : '<password>'}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`);
  console.log(`       curl -H "Authorization: Bearer $TOKEN" ${stack.urls.api}/me`);
  console.log('\nPress Ctrl-C to stop.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Recoup ...`);
    await web.stop();
    await stack.stop();
    console.log('Stopped. Data is kept in .recoup/ (npm start -- --reset starts empty).');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`\nRecoup could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
