import { Alert, Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { beginSignIn } from '../auth/sign-in';

/** Signed out: one button to the issuer's sign-in page (the local issuer, or Cognito's managed login). */
export function SignInPage({ problem }: { problem?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(problem);
  return (
    <Center mih="100vh" component="main">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <Stack>
          <Title order={1} size="h2">
            Recoup
          </Title>
          <Text>Sign in to work on clients, imports and cases.</Text>
          {error && (
            <Alert color="red" title="Not signed in" role="alert">
              {error}
            </Alert>
          )}
          <Button
            loading={busy}
            onClick={() => {
              setBusy(true);
              beginSignIn().catch((e: unknown) => {
                setBusy(false);
                setError(e instanceof Error ? e.message : String(e));
              });
            }}
          >
            Sign in
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
