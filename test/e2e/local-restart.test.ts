import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/local-stack';

const dataDir = mkdtempSync(join(tmpdir(), 'recoup-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local data', () => {
  it('survives a restart, and --reset starts empty', async () => {
    const first = await startTestStack({ dataDir, inMemory: false });
    const { clientId } = (await first.api.post('/clients', { companyInfo: { name: 'Kept' } })).body;
    await first.api.post('/local/clock/advance', { days: 10 });
    const clockBefore = (await first.api.get('/local/clock')).body.now;
    await first.stop();

    // Same ports, as `npm start` would use: SDK clients keep their endpoints for the process's life.
    const second = await startTestStack({ dataDir, inMemory: false, ports: first.ports });
    expect((await second.api.get(`/clients/${clientId}`)).body.companyInfo.name).toBe('Kept');
    expect((await second.api.get('/local/clock')).body.now).toBe(clockBefore);
    await second.stop();

    const third = await startTestStack({ dataDir, inMemory: false, reset: true, ports: first.ports });
    expect((await third.api.get(`/clients/${clientId}`)).status).toBe(404);
    await third.stop();
  });
});
