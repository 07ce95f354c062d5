import { Center, Loader } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api } from './api/client';
import { SessionProvider, type Me } from './auth/session';
import { completeSignIn } from './auth/sign-in';
import { onTokensChange, readTokens } from './auth/tokens';
import { SignInPage } from './pages/sign-in-page';
import { createAppRouter } from './router';

type MeAnswer = { kind: 'user'; userId: string; email: string; name: string; role: Me['role']; clientId?: string } | { kind: 'client' | 'admin'; label: string };

type State = { at: 'loading' } | { at: 'signed-out'; problem?: string } | { at: 'signed-in'; me: Me };

/** Who is signed in: the callback's code exchanged, or the tokens this tab kept, then GET /me for role and client. */
async function resolveSession(): Promise<State> {
  const params = new URLSearchParams(window.location.search);
  if (params.has('code') || params.has('error')) {
    try {
      const returnTo = await completeSignIn(params);
      window.history.replaceState(null, '', returnTo);
    } catch (e) {
      window.history.replaceState(null, '', '/');
      return { at: 'signed-out', problem: e instanceof Error ? e.message : String(e) };
    }
  }
  if (!readTokens()) return { at: 'signed-out' };
  try {
    const me = await api.get<MeAnswer>('/me');
    if (me.kind !== 'user') return { at: 'signed-out', problem: `Signed in as ${me.label}, not as a person: sign in with your email.` };
    return { at: 'signed-in', me: { userId: me.userId, email: me.email, name: me.name, role: me.role, clientId: me.clientId } };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return { at: 'signed-out' };
    return { at: 'signed-out', problem: e instanceof Error ? e.message : String(e) };
  }
}

export function App({ queryClient }: { queryClient: QueryClient }) {
  const [state, setState] = useState<State>({ at: 'loading' });
  useEffect(() => {
    let live = true;
    void resolveSession().then((s) => live && setState(s));
    // Tokens gone (signed out, or the refresh token refused): back to the sign-in page.
    const off = onTokensChange((t) => {
      if (!t) {
        queryClient.clear();
        setState({ at: 'signed-out', problem: 'Your session ended: sign in again.' });
      }
    });
    return () => {
      live = false;
      off();
    };
  }, [queryClient]);

  if (state.at === 'loading')
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (state.at === 'signed-out') return <SignInPage problem={state.problem} />;
  return <SignedIn me={state.me} queryClient={queryClient} />;
}

function SignedIn({ me, queryClient }: { me: Me; queryClient: QueryClient }) {
  const router = useMemo(() => createAppRouter(me), [me]);
  return (
    <SessionProvider me={me}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </SessionProvider>
  );
}
