import { z } from 'zod';

/**
 * The console's settings, read at start from `/config.json` beside index.html, so one build
 * serves the local stack and AWS. `auth.issuer` is an OpenID Connect issuer with a discovery
 * document (the local issuer, or a Cognito user pool's issuer URL); `auth.domain` is Cognito's
 * managed-login domain, whose endpoints are fixed paths under it.
 */
export const appConfigSchema = z
  .object({
    apiUrl: z.string().url(),
    auth: z
      .object({
        issuer: z.string().url().optional(),
        domain: z.string().url().optional(),
        clientId: z.string().min(1),
      })
      .refine((a) => a.issuer || a.domain, 'names an issuer or a domain'),
    dashboardUrl: z.string().url().optional(),
  })
  .strict();
export type AppConfig = z.infer<typeof appConfigSchema>;

let loaded: AppConfig | undefined;

/** Fetches and checks /config.json once; a bad file is an error naming the bad field. */
export async function loadAppConfig(fetcher: typeof fetch = fetch): Promise<AppConfig> {
  const res = await fetcher('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json answered ${res.status}: the console cannot find its API`);
  const parsed = appConfigSchema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`/config.json is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return setAppConfig(parsed.data);
}

export function setAppConfig(config: AppConfig): AppConfig {
  loaded = { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') };
  return loaded;
}

export function appConfig(): AppConfig {
  if (!loaded) throw new Error('the console configuration is not loaded yet');
  return loaded;
}
