// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleClient } from './client-fixture';
import { renderWithProviders } from './render';

const patch = vi.fn();
vi.mock('../../../console/src/api/client', async (original) => ({
  ...(await original<typeof import('../../../console/src/api/client')>()),
  api: { get: vi.fn(async () => ({ items: [] })), post: vi.fn(), del: vi.fn(), patch: (...args: unknown[]) => patch(...args) },
}));

const { WorkflowsTab } = await import('../../../console/src/pages/clients/tabs/workflows-tab');

beforeEach(() => {
  patch.mockReset();
  patch.mockImplementation(async (_path: string, body: { version: number }) => ({ ...sampleClient(), version: body.version + 1 }));
});
afterEach(cleanup);

describe('the workflow timeline editor', () => {
  it('sends the moved, added and removed nodes of main outreach, at the version read, and nothing for the untouched kinds', async () => {
    renderWithProviders(<WorkflowsTab client={sampleClient()} />);
    // Move the SMS from day 3 to day 7.
    const day = screen.getByLabelText('Main outreach node 2 day');
    fireEvent.change(day, { target: { value: '7' } });
    // Add a node: it lands the day after the last one.
    await userEvent.click(screen.getByRole('button', { name: 'Add node to Main outreach' }));
    expect((screen.getByLabelText('Main outreach node 3 day') as HTMLInputElement).value).toBe('8');
    // Remove the day-0 email.
    await userEvent.click(screen.getByRole('button', { name: 'Remove Main outreach node 1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save workflows' }));
    await waitFor(() => expect(patch).toHaveBeenCalledTimes(1));
    expect(patch).toHaveBeenCalledWith('/clients/client-1', {
      version: 3,
      workflows: {
        mainOutreach: [
          { type: 'sms', afterDays: 7, template: 'reminder' },
          { type: 'email', afterDays: 8, template: 'first-notice' },
        ],
      },
    });
  });

  it('draws each node at its day from placement, after the breathing space', () => {
    renderWithProviders(<WorkflowsTab client={sampleClient()} />);
    const overview = screen.getByRole('group', { name: 'Breathing space and main outreach, days since placement' });
    // Breathing space of 14 days (the default), then outreach days 0 and 3.
    expect([...overview.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Day 14: Email', 'Day 17: SMS']);
  });

  it('previews a node’s template for a sample case with the renderer the sends use', async () => {
    renderWithProviders(<WorkflowsTab client={sampleClient()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Preview Main outreach node 1' }));
    expect(await screen.findByText('Your balance with Acme Utilities')).toBeTruthy();
    expect(screen.getByText(/Dear Sam Sample, you owe/)).toBeTruthy();
  });
});
