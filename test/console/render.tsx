import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryHistory } from '@tanstack/react-router';
import { RouterProvider } from '@tanstack/react-router';
import { QueryClientProvider } from '@tanstack/react-query';
import { SessionProvider, type Me } from '../../console/src/auth/session';
import { setAppConfig } from '../../console/src/config';
import { createAppRouter } from '../../console/src/router';
import { cssVariablesResolver, theme } from '../../console/src/theme';

export const API = 'http://api.test';

/** The console signed in as `me` at `path`, against whatever `fetch` the test stubs. */
export async function renderConsole(me: Me, path: string) {
  setAppConfig({ apiUrl: API, auth: { issuer: 'http://issuer.test/pool', clientId: 'console' } });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createAppRouter(me, { history: createMemoryHistory({ initialEntries: [path] }) });
  const view = render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications />
      <SessionProvider me={me}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </SessionProvider>
    </MantineProvider>,
  );
  await router.load();
  return { ...view, router };
}

export const admin: Me = { userId: 'u-admin', email: 'admin@recoup.local', name: 'Ada Admin', role: 'agency_admin' };
export const viewer: Me = { userId: 'u-view', email: 'viewer@client.example', name: 'Vic Viewer', role: 'client_viewer', clientId: 'c-1' };
