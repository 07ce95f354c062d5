import { Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../api/client';
import { useSession } from '../auth/session';
import { isClientRole } from '../../../shared/auth/roles';

/** The client a page works on: agency roles pick one; a client's people have theirs. */
export function useClientChoice(chosen: string | undefined): string | undefined {
  const { me } = useSession();
  return isClientRole(me.role) ? me.clientId : chosen;
}

export function ClientPicker({ value, onChange }: { value: string | undefined; onChange(clientId: string | undefined): void }) {
  const { me } = useSession();
  const agency = !isClientRole(me.role);
  const clients = useQuery({
    queryKey: ['clients', 'picker'],
    queryFn: () => api.get<Page<{ clientId: string; companyInfo: { name: string } }>>('/clients', { limit: 100 }),
    enabled: agency,
  });
  if (!agency) return null;
  return (
    <Select
      label="Client"
      placeholder="Pick a client"
      searchable
      maw={360}
      data={(clients.data?.items ?? []).map((c) => ({ value: c.clientId, label: c.companyInfo.name }))}
      value={value ?? null}
      onChange={(v) => onChange(v ?? undefined)}
      error={clients.error?.message}
    />
  );
}
