import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admin, renderConsole, viewer } from '../render';

afterEach(() => vi.unstubAllGlobals());

const navLinks = async () => within(await screen.findByRole('navigation', { name: 'Main' })).getAllByRole('link').map((a) => a.textContent);

describe('the signed-in shell', () => {
  it('gives an agency admin every page and shows the role', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [] }), { headers: { 'content-type': 'application/json' } })));
    await renderConsole(admin, '/business-entities');
    expect(await navLinks()).toEqual(['Clients', 'Cases', 'Imports', 'Business entities', 'Users', 'Tickets', 'Operations']);
    expect(screen.getByLabelText('Role: Agency admin')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Business entities' }).getAttribute('aria-current')).toBe('page');
  });

  it("limits a client's viewer to its own client, its cases and imports", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [] }), { headers: { 'content-type': 'application/json' } })));
    const { router } = await renderConsole(viewer, '/');
    expect(await navLinks()).toEqual(['Clients', 'Cases', 'Imports']);
    expect(screen.getByRole('link', { name: 'Clients' }).getAttribute('href')).toBe('/clients/c-1');
    expect(router.state.location.pathname).toBe('/clients/c-1');
  });
});
