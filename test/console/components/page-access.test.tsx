import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { admin, renderConsole, viewer } from '../render';

afterEach(() => vi.unstubAllGlobals());

const emptyLists = () => vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [] }), { headers: { 'content-type': 'application/json' } })));

describe("pages a role may not use", () => {
  it("take a client's person from the list of clients to its own client", async () => {
    emptyLists();
    const { router } = await renderConsole(viewer, '/clients');
    expect(router.state.location.pathname).toBe('/clients/c-1');
    expect(screen.queryByRole('button', { name: 'New client' })).toBeNull();
  });

  it("are not found for a client's person, typed in by address", async () => {
    emptyLists();
    for (const path of ['/operations', '/users', '/business-entities', '/tickets']) {
      const view = await renderConsole(viewer, path);
      expect(await screen.findByRole('heading', { name: 'Not found' })).toBeTruthy();
      view.unmount();
    }
  });

  it('stay open to the agency admin', async () => {
    emptyLists();
    await renderConsole(admin, '/users');
    expect(screen.queryByRole('heading', { name: 'Not found' })).toBeNull();
    expect(await screen.findByRole('heading', { name: 'Users', level: 1 })).toBeTruthy();
  });
});
