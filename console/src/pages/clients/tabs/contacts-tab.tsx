import { Alert, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../../api/client';
import { useSession } from '../../../auth/session';
import { CONTACT_ROLE_TO_USER_ROLE } from '../../../../../shared/auth/roles';
import { CONTACT_ROLES, contactSchema, type Client } from '../../../../../shared/schemas/client';
import type { z } from 'zod';
import type { userSchema } from '../../../../../shared/schemas/user';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

type User = z.infer<typeof userSchema>;
type Contact = z.infer<typeof contactSchema>;
const ROLE_LABEL: Record<Contact['role'], string> = { operational_lead: 'Operational lead', commercial_lead: 'Commercial lead', viewer: 'Viewer' };

/** The client's contacts, which of them sign in (a user of this client), and for an agency admin an invitation. */
export function ContactsTab({ client }: { client: Client }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const canInvite = me.role === 'agency_admin';
  const users = useQuery({ queryKey: ['users', client.clientId], queryFn: () => api.get<{ items: User[] }>('/users', { clientId: client.clientId, limit: 100 }), enabled: canInvite });
  const invite = useMutation({
    mutationFn: (c: Contact) => api.post<User>('/users', { email: c.email, name: c.name, role: CONTACT_ROLE_TO_USER_ROLE[c.role], clientId: client.clientId }),
    onSuccess: async (u) => {
      notifications.show({ color: 'green', title: 'Invited', message: `${u.email} gets an email with a temporary password.` });
      await queryClient.invalidateQueries({ queryKey: ['users', client.clientId] });
    },
  });
  const byEmail = new Map((users.data?.items ?? []).map((u) => [u.email.toLowerCase(), u]));
  return (
    <Stack>
      <Title order={2}>Contacts</Title>
      <Table striped aria-label="Contacts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Role</Table.Th>
            {canInvite ? <Table.Th>Platform access</Table.Th> : null}
            {canInvite ? <Table.Th>Action</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {client.contacts.map((c) => {
            const user = byEmail.get(c.email.toLowerCase());
            return (
              <Table.Tr key={c.email}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>{c.email}</Table.Td>
                <Table.Td>{ROLE_LABEL[c.role]}</Table.Td>
                {canInvite ? <Table.Td>{user ? <Text size="sm">{user.disabled ? 'Disabled' : `Yes (${user.role})`}</Text> : <Text size="sm">No</Text>}</Table.Td> : null}
                {canInvite ? (
                  <Table.Td>
                    {user ? null : (
                      <Button size="xs" variant="light" aria-label={`Invite ${c.name}`} loading={invite.isPending && invite.variables?.email === c.email} onClick={() => invite.mutate(c)}>
                        Invite
                      </Button>
                    )}
                  </Table.Td>
                ) : null}
              </Table.Tr>
            );
          })}
          {client.contacts.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={canInvite ? 5 : 3}>No contacts yet.</Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
      </Table>
      {invite.error ? (
        <Alert color="red" title="Not invited" role="alert">
          {invite.error instanceof ApiError ? invite.error.message : String(invite.error)}
        </Alert>
      ) : null}
      {me.role.startsWith('agency_') ? <AddContact client={client} /> : null}
    </Stack>
  );
}

function AddContact({ client }: { client: Client }) {
  const save = useSaveClient(client);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Contact['role']>('operational_lead');
  const [problems, setProblems] = useState<Record<string, string>>({});
  return (
    <form
      aria-label="Add contact"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        const parsed = contactSchema.safeParse({ name, email, role });
        if (!parsed.success) {
          setProblems(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
          return;
        }
        setProblems({});
        try {
          await save.mutateAsync({ contacts: [...client.contacts, parsed.data] });
          setName('');
          setEmail('');
        } catch {
          /* shown below */
        }
      }}
    >
      <Title order={3}>Add contact</Title>
      <Group align="flex-start">
        <TextInput label="Contact name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={problems.name} />
        <TextInput label="Contact email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={problems.email} />
        <Select label="Contact role" value={role} onChange={(v) => v && setRole(v as Contact['role'])} data={CONTACT_ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] }))} allowDeselect={false} />
      </Group>
      <SaveBar clientId={client.clientId} error={save.error} pending={save.isPending} label="Add contact" />
    </form>
  );
}
