import { MantineProvider } from '@mantine/core';
import { QueryClient } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../console/src/app';
import { writeTokens } from '../../../console/src/auth/tokens';
import { setAppConfig } from '../../../console/src/config';
import { theme } from '../../../console/src/theme';

const ISSUER = 'http://issuer.test/pool';
const API = 'http://api.test';

afterEach(() => {
  vi.unstubAllGlobals();
  writeTokens(undefined);
  sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});

/** The issuer's discovery and token endpoints and GET /me, counting the code exchanges. */
function stubIssuerAndApi() {
  const exchanges: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url === `${ISSUER}/.well-known/openid-configuration`) return json({ authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: `${ISSUER}/token` });
      if (url === `${ISSUER}/token`) {
        const form = new URLSearchParams(String(init?.body));
        exchanges.push(form.get('code') ?? '');
        // As an issuer does: a code is good for one exchange only.
        if (exchanges.length > 1) return json({ error: 'invalid_grant', error_description: 'the code was used already' }, 400);
        return json({ access_token: 'at-1', id_token: 'id-1', refresh_token: 'rt-1', expires_in: 3600 });
      }
      if (url === `${API}/me`) return json({ kind: 'user', userId: 'u-admin', email: 'admin@recoup.local', name: 'Ada Admin', role: 'agency_admin' });
      return json({ items: [] });
    }),
  );
  return exchanges;
}

describe('coming back from the issuer with a code', () => {
  it('signs in under StrictMode, exchanging the code once, and goes where the person was going', async () => {
    setAppConfig({ apiUrl: API, auth: { issuer: ISSUER, clientId: 'console' } });
    const exchanges = stubIssuerAndApi();
    // What beginSignIn left in this tab before it went to the issuer.
    sessionStorage.setItem('recoup.sign-in', JSON.stringify({ verifier: 'v'.repeat(64), state: 'state-1', returnTo: '/imports' }));
    window.history.replaceState(null, '', '/?code=code-1&state=state-1');

    render(
      <StrictMode>
        <MantineProvider theme={theme}>
          <App queryClient={new QueryClient({ defaultOptions: { queries: { retry: false } } })} />
        </MantineProvider>
      </StrictMode>,
    );

    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeTruthy();
    expect(screen.queryByText(/stale or was not started here/)).toBeNull();
    expect(exchanges).toEqual(['code-1']);
    expect(window.location.pathname).toBe('/imports');
    expect(window.location.search).toBe('');
  });
});
