// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SettingsForm } from '../../../console/src/pages/clients/tabs/settings-tab';
import { settingsSchema } from '../../../shared/schemas/client';
import { sampleClient } from './client-fixture';
import { renderWithProviders } from './render';

afterEach(cleanup);

describe('the settings form', () => {
  it('refuses an enrichment interval the API would refuse, with the schema message, and sends nothing', async () => {
    const client = sampleClient();
    const onSave = vi.fn(async (_settings: unknown) => undefined);
    renderWithProviders(<SettingsForm client={client} businessEntities={[]} onSave={onSave} />);
    const field = screen.getByLabelText('Enrichment interval (days)');
    await userEvent.clear(field);
    await userEvent.type(field, '400');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const expected = settingsSchema.safeParse({ ...client.settings, enrichment: { ...client.settings.enrichment, intervalDays: 400 } });
    expect(expected.success).toBe(false);
    const message = expected.error!.issues.find((i) => i.path.join('.') === 'enrichment.intervalDays')!.message;
    expect(await screen.findByText(message)).toBeTruthy();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('sends the settings it shows, with the changed value, once they are valid', async () => {
    const client = sampleClient();
    const onSave = vi.fn(async (_settings: unknown) => undefined);
    renderWithProviders(<SettingsForm client={client} businessEntities={[]} onSave={onSave} />);
    const field = screen.getByLabelText('Plan reminder days');
    await userEvent.clear(field);
    await userEvent.type(field, '5');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onSave).toHaveBeenCalledTimes(1));
    expect(onSave.mock.calls[0]![0]).toEqual({ ...client.settings, workflow: { ...client.settings.workflow, paymentPlanReminderDays: 5 } });
  });

  it("shows the API's refusal at the field it names", async () => {
    const { ApiError } = await import('../../../console/src/api/client');
    const client = sampleClient();
    const refusal = new ApiError(400, 'validation_failed', 'patched client is invalid; see details for each field', [{ path: 'settings.enrichment.attempts', message: 'attempts cost more than the agreement allows' }]);
    const onSave = vi.fn(async () => {
      throw refusal;
    });
    renderWithProviders(<SettingsForm client={client} businessEntities={[]} onSave={onSave} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findAllByText('attempts cost more than the agreement allows')).not.toHaveLength(0);
    expect(screen.getByLabelText('Enrichment attempts').getAttribute('aria-invalid')).toBe('true');
  });
});
