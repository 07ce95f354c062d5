import { Alert, Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { api, ApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { isClientRole, ROLES, type Role } from '../../../../shared/auth/roles';
import type { Client } from '../../../../shared/schemas/client';
import { newUserSchema, type userSchema } from '../../../../shared/schemas/user';

type User = z.infer<typeof userSchema>;
const ROLE_LABEL: Record<Role, string> = {
  agency_admin: 'Agency admin',
  agency_operator: 'Agency operator',
  client_operational_lead: 'Client operational lead',
  client_commercial_lead: 'Client commercial lead',
  client_viewer: 'Client viewer',
};
const ROLE_DATA = ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }));
const message = (e: unknown) => (e instanceof ApiError ? e.message : String((e as Error)?.message ?? e));

function useClients() {
  return useQuery({ queryKey: ['clients', 'names'], queryFn: () => api.get<{ items: Client[] }>('/clients', { limit: 100 }) });
}

function UserForm({ user, onDone }: { user?: User; onDone: () => void }) {
  const queryClient = useQueryClient();
  const clients = useClients();
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'agency_operator');
  const [clientId, setClientId] = useState<string | null>(user?.clientId ?? null);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: async () => {
      if (user) {
        return api.patch<User>(`/users/${encodeURIComponent(user.userId)}`, { version: user.version, name, role, clientId: isClientRole(role) ? clientId : null });
      }
      return api.post<User>('/users', { email, name, role, ...(isClientRole(role) && clientId ? { clientId } : {}) });
    },
    onSuccess: async (u) => {
      notifications.show({ color: 'green', title: user ? 'Saved' : 'Invited', message: user ? `${u.email} is saved.` : `${u.email} gets an email with a temporary password.` });
      await queryClient.invalidateQueries({ queryKey: ['users'] });
      onDone();
    },
    onError: (e) => {
      if (e instanceof ApiError) setProblems(Object.fromEntries(e.details.map((d) => [(d as { path?: string; field?: string }).path ?? (d as { field?: string }).field ?? '', d.message])));
    },
  });
  return (
    <form
      aria-label={user ? `Edit ${user.email}` : 'Invite a user'}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!user) {
          const parsed = newUserSchema.safeParse({ email, name, role, ...(isClientRole(role) && clientId ? { clientId } : {}) });
          if (!parsed.success) {
            setProblems(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
            return;
          }
        }
        setProblems({});
        save.mutate();
      }}
    >
      <Stack>
        <TextInput label="Email" value={email} disabled={Boolean(user)} onChange={(e) => setEmail(e.currentTarget.value)} error={problems.email} />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.name} />
        <Select label="Role" data={ROLE_DATA} value={role} allowDeselect={false} onChange={(v) => v && setRole(v as Role)} error={problems.role} />
        {isClientRole(role) ? (
          <Select label="Client" searchable data={(clients.data?.items ?? []).map((c) => ({ value: c.clientId, label: c.companyInfo.name }))} value={clientId} onChange={setClientId} error={problems.clientId} />
        ) : null}
        {save.error ? (
          <Alert color="red" role="alert">
            {message(save.error)}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {user ? 'Save' : 'Invite'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** People who sign in: invite, change role or name, disable (agency admins only). */
export function UsersPage() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const clients = useClients();
  const [editing, setEditing] = useState<User | 'new'>();
  const users = useInfiniteQuery({
    queryKey: ['users', 'all'],
    queryFn: ({ pageParam }) => api.get<{ items: User[]; cursor?: string }>('/users', { limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.cursor,
  });
  const disable = useMutation({
    mutationFn: (u: User) => api.del<User>(`/users/${encodeURIComponent(u.userId)}`),
    onSuccess: async (u) => {
      notifications.show({ color: 'green', title: 'Disabled', message: `${u.email} can no longer sign in.` });
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  if (me.role !== 'agency_admin') return <Alert color="gray">Only an agency admin manages users.</Alert>;
  const clientName = new Map((clients.data?.items ?? []).map((c) => [c.clientId, c.companyInfo.name]));
  const rows = users.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Users</Title>
        <Button onClick={() => setEditing('new')}>Invite user</Button>
      </Group>
      {users.error ? (
        <Alert color="red" role="alert">
          {message(users.error)}
        </Alert>
      ) : null}
      {disable.error ? (
        <Alert color="red" role="alert">
          {message(disable.error)}
        </Alert>
      ) : null}
      <Table striped aria-label="Users">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Client</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((u) => (
            <Table.Tr key={u.userId}>
              <Table.Td>{u.name}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>{ROLE_LABEL[u.role]}</Table.Td>
              <Table.Td>{u.clientId ? (clientName.get(u.clientId) ?? u.clientId) : ''}</Table.Td>
              <Table.Td>
                {u.disabled ? (
                  <Badge color="gray.8" variant="filled">
                    Disabled
                  </Badge>
                ) : (
                  <Text size="sm">Active</Text>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => setEditing(u)} aria-label={`Edit ${u.email}`}>
                    Edit
                  </Button>
                  {!u.disabled && u.userId !== me.userId ? (
                    <Button size="xs" variant="light" color="red" loading={disable.isPending && disable.variables?.userId === u.userId} onClick={() => disable.mutate(u)} aria-label={`Disable ${u.email}`}>
                      Disable
                    </Button>
                  ) : null}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {users.hasNextPage ? (
        <Group>
          <Button variant="light" onClick={() => users.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}
      <Modal opened={editing !== undefined} onClose={() => setEditing(undefined)} title={editing === 'new' ? 'Invite a user' : editing ? `Edit ${editing.email}` : ''}>
        {editing ? <UserForm user={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} /> : null}
      </Modal>
    </Stack>
  );
}
