import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { api, type Page } from '../../api/client';
import type { Client } from '../../../../shared/schemas/client';
import { NewClientForm } from './new-client-form';

const route = getRouteApi('/clients');

/** Every client the agency works for, with search by name and the `New client` form. */
export function ClientsPage() {
  const { q = '' } = route.useSearch();
  const navigate = route.useNavigate();
  const [open, { open: show, close }] = useDisclosure(false);
  const clients = useQuery({ queryKey: ['clients'], queryFn: () => allClients() });
  const needle = q.trim().toLowerCase();
  const shown = (clients.data ?? []).filter((c) => !needle || c.companyInfo.name.toLowerCase().includes(needle) || c.clientId.toLowerCase().includes(needle));
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Clients</Title>
        <Button onClick={show}>New client</Button>
      </Group>
      <TextInput label="Search" placeholder="Name or id" value={q} onChange={(e) => void navigate({ search: { q: e.currentTarget.value || undefined }, replace: true })} maw={360} />
      {clients.isPending && <Loader aria-label="Loading clients" />}
      {clients.error && <Alert color="red" title="Could not load the clients">{clients.error.message}</Alert>}
      {clients.data && (
        <Table striped highlightOnHover aria-label="Clients">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Currency</Table.Th>
              <Table.Th>Portfolios</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((c) => (
              <Table.Tr key={c.clientId}>
                <Table.Td>
                  <Anchor component={Link} to={`/clients/${encodeURIComponent(c.clientId)}`}>
                    {c.companyInfo.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.finances.currency}</Table.Td>
                <Table.Td>{c.portfolios.map((p) => p.name).join(', ') || '—'}</Table.Td>
                <Table.Td>{c.createdAt.slice(0, 10)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {clients.data && shown.length === 0 && <Text c="dimmed">{needle ? 'No client matches the search.' : 'No clients yet: create the first one.'}</Text>}
      <Modal opened={open} onClose={close} title="New client">
        <NewClientForm onCreated={close} />
      </Modal>
    </Stack>
  );
}

/** GET /clients page by page (an agency has tens to hundreds of clients). */
async function allClients(): Promise<Client[]> {
  const out: Client[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<Page<Client>>('/clients', { limit: 100, cursor });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor && out.length < 2000);
  return out;
}
