import { Alert, Button, Group, Loader, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { CaseLink } from '../clients/tabs/case-link';
import { emailSchema } from '../../../../shared/schemas/common';

export interface Ticket {
  ticketId: string;
  clientId: string;
  caseId: string;
  debtorName: string;
  title: string;
  status: 'open' | 'done';
  assignee?: string;
  note?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}
type TicketPatch = { status?: 'open' | 'done'; assignee?: string | null; note?: string | null };
const message = (e: unknown) => (e instanceof ApiError ? e.message : String((e as Error)?.message ?? e));

function TicketDetails({ ticket, onPatch, pending }: { ticket: Ticket; onPatch: (p: TicketPatch) => void; pending: boolean }) {
  const [assignee, setAssignee] = useState(ticket.assignee ?? '');
  const [note, setNote] = useState(ticket.note ?? '');
  const [problem, setProblem] = useState<string>();
  return (
    <form
      aria-label={`Ticket ${ticket.title} for ${ticket.debtorName}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (assignee && !emailSchema.safeParse(assignee).success) return setProblem('must be an email address');
        setProblem(undefined);
        onPatch({ assignee: assignee || null, note: note || null });
      }}
    >
      <Group align="flex-end">
        <TextInput label="Assignee email" value={assignee} onChange={(e) => setAssignee(e.currentTarget.value)} error={problem} />
        <Textarea label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={1} w={320} />
        <Button type="submit" variant="light" loading={pending}>
          Save
        </Button>
      </Group>
    </form>
  );
}

/** The operator's queue of tickets across clients, oldest open first: mark done, assign, note. */
export function TicketsPage() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<'open' | 'done'>('open');
  const [open, setOpen] = useState<string>();
  const tickets = useInfiniteQuery({
    queryKey: ['tickets', status],
    queryFn: ({ pageParam }) => api.get<{ items: Ticket[]; cursor?: string }>('/tickets', { status, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.cursor,
  });
  const patch = useMutation({
    mutationFn: ({ ticket, change }: { ticket: Ticket; change: TicketPatch }) => api.patch<Ticket>(`/tickets/${encodeURIComponent(ticket.ticketId)}`, { version: ticket.version, ...change }),
    onSuccess: async (t) => {
      notifications.show({ color: 'green', title: 'Ticket saved', message: `${t.title} (${t.debtorName}) is ${t.status}${t.assignee ? `, assigned to ${t.assignee}` : ''}.` });
      await queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
  const rows = tickets.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Title order={1}>Tickets</Title>
      <SegmentedControl
        aria-label="Tickets to show"
        value={status}
        onChange={(v) => setStatus(v as 'open' | 'done')}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'done', label: 'Done' },
        ]}
        w={220}
      />
      {tickets.isPending ? <Loader aria-label="Loading" /> : null}
      {tickets.error ? (
        <Alert color="red" role="alert">
          {message(tickets.error)}
        </Alert>
      ) : null}
      {patch.error ? (
        <Alert color="red" role="alert" title="Not saved">
          {message(patch.error)}
        </Alert>
      ) : null}
      <Table aria-label="Tickets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Opened</Table.Th>
            <Table.Th>Ticket</Table.Th>
            <Table.Th>Debtor</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.flatMap((t) => [
            <Table.Tr key={t.ticketId}>
              <Table.Td>{new Date(t.createdAt).toLocaleString('en-GB')}</Table.Td>
              <Table.Td>
                {t.title}
                {t.note ? (
                  <Text size="xs" c="gray.8">
                    {t.note}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <CaseLink caseId={t.caseId}>
                  {t.debtorName}
                </CaseLink>
              </Table.Td>
              <Table.Td>{t.assignee ?? 'Nobody'}</Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => patch.mutate({ ticket: t, change: { status: t.status === 'open' ? 'done' : 'open' } })} aria-label={t.status === 'open' ? `Mark ${t.title} for ${t.debtorName} done` : `Reopen ${t.title} for ${t.debtorName}`}>
                    {t.status === 'open' ? 'Done' : 'Reopen'}
                  </Button>
                  {t.assignee !== me.email ? (
                    <Button size="xs" variant="light" onClick={() => patch.mutate({ ticket: t, change: { assignee: me.email } })} aria-label={`Assign ${t.title} for ${t.debtorName} to me`}>
                      Assign to me
                    </Button>
                  ) : null}
                  <Button size="xs" variant="subtle" onClick={() => setOpen(open === t.ticketId ? undefined : t.ticketId)} aria-expanded={open === t.ticketId} aria-label={`Assign or note ${t.title} for ${t.debtorName}`}>
                    Assign or note
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>,
            open === t.ticketId ? (
              <Table.Tr key={`${t.ticketId}-details`}>
                <Table.Td colSpan={5}>
                  <TicketDetails key={t.version} ticket={t} pending={patch.isPending} onPatch={(change) => patch.mutate({ ticket: t, change })} />
                </Table.Td>
              </Table.Tr>
            ) : null,
          ])}
        </Table.Tbody>
      </Table>
      {!tickets.isPending && rows.length === 0 ? <Text>No {status} tickets.</Text> : null}
      {tickets.hasNextPage ? (
        <Group>
          <Button variant="light" onClick={() => tickets.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}
