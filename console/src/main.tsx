import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { loadAppConfig } from './config';
import { cssVariablesResolver, theme } from './theme';

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not change by asking again; a network blip might.
    queries: { retry: (count, e) => count < 2 && !(e && typeof e === 'object' && 'status' in e && Number(e.status) < 500), staleTime: 10_000 },
  },
});

const root = createRoot(document.getElementById('root')!);

loadAppConfig()
  .then(() =>
    root.render(
      <StrictMode>
        <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
          <Notifications />
          <App queryClient={queryClient} />
        </MantineProvider>
      </StrictMode>,
    ),
  )
  .catch((e: unknown) => {
    root.render(
      <main style={{ fontFamily: 'system-ui', padding: '2rem' }}>
        <h1>The console cannot start</h1>
        <p role="alert">{e instanceof Error ? e.message : String(e)}</p>
      </main>,
    );
  });
