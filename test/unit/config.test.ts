import { afterEach, expect, it, vi } from 'vitest';
import { config, resetConfig } from '../../shared/adapters/config';

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
});

it('has no table or drop bucket a function was not given: reading one names what to grant, rather than guess a name', () => {
  vi.stubEnv('TABLE_NAME', undefined);
  vi.stubEnv('DROP_BUCKET', undefined);
  resetConfig();
  expect(() => config().TABLE_NAME).toThrow(/TABLE_NAME is not set: this function was not given the table\. Grant it in the function's entry of infra\/function-catalog\.ts/);
  expect(() => config().DROP_BUCKET).toThrow(/DROP_BUCKET is not set/);
  // The rest of the configuration is still there for a function that needs neither.
  expect(config().IMPORT_CHUNK_ROWS).toBe(2_000);
  vi.stubEnv('TABLE_NAME', 'recoup-prod-table');
  resetConfig();
  expect(config().TABLE_NAME).toBe('recoup-prod-table');
});
