import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api } from '../../../api/client';
import type { Client } from '../../../../../shared/schemas/client';
import { mergePatchDiff } from './merge-patch-diff';

export const clientKey = (clientId: string) => ['client', clientId] as const;

export function useClient(clientId: string) {
  return useQuery({ queryKey: clientKey(clientId), queryFn: () => api.get<Client>(`/clients/${encodeURIComponent(clientId)}`) });
}

/**
 * Saves one section of a client as a merge patch at the version the form was read at, so a
 * save over someone else's answers 409 stale_version instead of overwriting it.
 */
export function useSaveClient(client: Client) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (sections: Partial<Record<keyof Client, unknown>>) => {
      const patch: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(sections)) {
        const d = mergePatchDiff((client as Record<string, unknown>)[key], value);
        if (d !== undefined) patch[key] = d;
      }
      if (!Object.keys(patch).length) return client;
      return api.patch<Client>(`/clients/${encodeURIComponent(client.clientId)}`, { version: client.version, ...patch });
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(clientKey(client.clientId), saved);
      notifications.show({ color: 'green', title: 'Saved', message: `${saved.companyInfo.name} is saved (version ${saved.version}).` });
    },
  });
}
