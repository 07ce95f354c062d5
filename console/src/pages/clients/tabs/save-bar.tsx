import { Alert, Button, Group } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { clientKey } from './use-client';
import { isStaleVersion } from './api-errors';

/** The save button and what the last save answered: a stale version offers a reload, any other refusal its message. */
export function SaveBar({ clientId, error, pending, onReload, label = 'Save' }: { clientId: string; error: unknown; pending: boolean; onReload?: () => void; label?: string }) {
  const queryClient = useQueryClient();
  return (
    <>
      {isStaleVersion(error) ? (
        <Alert color="orange" title="Someone else saved this client" role="alert">
          Your changes were not saved: the client changed since you opened it.
          <Group mt="sm">
            <Button
              variant="light"
              onClick={async () => {
                await queryClient.invalidateQueries({ queryKey: clientKey(clientId) });
                onReload?.();
              }}
            >
              Reload
            </Button>
          </Group>
        </Alert>
      ) : error ? (
        <Alert color="red" title="Not saved" role="alert">
          {error instanceof ApiError ? error.message : String((error as Error).message ?? error)}
          {error instanceof ApiError && error.details?.length ? (
            <ul>
              {error.details.map((d, i) => (
                <li key={i}>
                  {(d as { path?: string; field?: string }).path ?? (d as { field?: string }).field}: {d.message}
                </li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
      <Group mt="md">
        <Button type="submit" loading={pending}>
          {label}
        </Button>
      </Group>
    </>
  );
}
