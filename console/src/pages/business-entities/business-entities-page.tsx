import { Alert, Button, Group, Loader, Modal, Stack, Table, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import type { BusinessEntity } from '../../../../shared/schemas/business-entity';
import { mergePatchDiff } from '../clients/tabs/merge-patch-diff';
import { BusinessEntityForm, type EntityBody } from './business-entity-form';

/** Business entities: the senders of the messages, their invoice settings, footers and templates. */
export function BusinessEntitiesPage() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['business-entities', 'all'], queryFn: () => api.get<{ items: BusinessEntity[] }>('/business-entities', { limit: 100 }) });
  const [editing, setEditing] = useState<BusinessEntity | 'new'>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['business-entities'] });
  const create = async (body: EntityBody) => {
    const e = await api.post<BusinessEntity>('/business-entities', body);
    notifications.show({ color: 'green', title: 'Created', message: `${e.name} is created.` });
    setEditing(undefined);
    await refresh();
  };
  const update = (entity: BusinessEntity) => async (body: EntityBody) => {
    const { businessEntityId: _i, version, createdAt: _c, updatedAt: _u, ...before } = entity;
    const patch = mergePatchDiff(before, body);
    if (patch !== undefined) await api.patch<BusinessEntity>(`/business-entities/${encodeURIComponent(entity.businessEntityId)}`, { version, ...(patch as object) });
    notifications.show({ color: 'green', title: 'Saved', message: `${body.name} is saved.` });
    setEditing(undefined);
    await refresh();
  };
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Business entities</Title>
        <Button onClick={() => setEditing('new')}>New business entity</Button>
      </Group>
      {list.isPending ? <Loader aria-label="Loading" /> : null}
      {list.error ? (
        <Alert color="red" role="alert">
          {list.error instanceof ApiError ? list.error.message : String(list.error)}
        </Alert>
      ) : null}
      {list.data ? (
        <Table striped aria-label="Business entities">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Sender</Table.Th>
              <Table.Th>Templates</Table.Th>
              <Table.Th>Action</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((e) => (
              <Table.Tr key={e.businessEntityId}>
                <Table.Td>{e.name}</Table.Td>
                <Table.Td>{e.senderEmail}</Table.Td>
                <Table.Td>{Object.keys(e.templates).join(', ')}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => setEditing(e)} aria-label={`Edit ${e.name}`}>
                    Edit
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      <Modal opened={editing !== undefined} onClose={() => setEditing(undefined)} title={editing === 'new' ? 'New business entity' : editing ? `Edit ${editing.name}` : ''} size="xl">
        {editing === 'new' ? <BusinessEntityForm onSave={create} submitLabel="Create" /> : editing ? <BusinessEntityForm key={editing.version} entity={editing} onSave={update(editing)} submitLabel="Save" /> : null}
      </Modal>
    </Stack>
  );
}
