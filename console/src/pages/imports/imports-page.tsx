import { Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { ClientPicker, useClientChoice } from '../../components/client-picker';
import { ImportsPanel } from './imports-panel';

const route = getRouteApi('/imports');

export function ImportsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const clientId = useClientChoice(search.clientId);
  return (
    <Stack>
      <Title order={1}>Imports</Title>
      <ClientPicker value={clientId} onChange={(id) => void navigate({ search: { clientId: id } })} />
      {clientId ? <ImportsPanel clientId={clientId} /> : <Text c="dimmed">Pick a client to upload its cases.</Text>}
    </Stack>
  );
}
