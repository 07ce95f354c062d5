import { Alert, Anchor, Badge, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, getRouteApi } from '@tanstack/react-router';
import { api, type Page } from '../../api/client';
import { useSession } from '../../auth/session';
import { mayUse } from '../../layout/navigation';
import { formatInstant, formatMoney, formatPhase } from '../../format/money';
import type { CommunicationView } from '../../../../shared/schemas/views';
import { communicationStatusColor } from '../../format/status-colors';
import { CaseActions } from './case-actions';
import { CommunicationDisclosure } from './communication-content';

/** Refetched before a letter's link (valid 15 minutes from the read) runs out. */
const LETTER_LINK_REFRESH_MS = 10 * 60_000;

const route = getRouteApi('/cases/$caseId');

interface CaseView {
  caseId: string;
  clientId: string;
  clientCaseNumber?: string;
  portfolio?: string;
  debtor: { name: string; email?: string; phone?: string };
  invoices: { invoiceNumber: string; invoiceDate?: string; dueDate: string; amountMinor: number; currency?: string; description?: string }[];
  phase: string;
  closedReason?: string;
  hold?: { reason: string; note?: string };
  balance: { principalMinor: number; costsMinor: number; interestMinor: number; paidMinor: number; outstandingMinor: number; writtenOffMinor?: number; currency: string };
}
interface TimelineEvent {
  at: string;
  type: string;
  message: string;
  by?: string;
}
export function CasePage() {
  const { caseId } = route.useParams();
  const { me } = useSession();
  const kase = useQuery({ queryKey: ['case', caseId], queryFn: () => api.get<CaseView>(`/cases/${encodeURIComponent(caseId)}`) });
  const timeline = useQuery({ queryKey: ['case', caseId, 'timeline'], queryFn: () => api.get<Page<TimelineEvent>>(`/cases/${encodeURIComponent(caseId)}/timeline`, { limit: 100 }) });
  const comms = useQuery({
    queryKey: ['case', caseId, 'communications'],
    queryFn: () => api.get<Page<CommunicationView>>(`/cases/${encodeURIComponent(caseId)}/communications`, { limit: 100 }),
    refetchInterval: (q) => (q.state.data?.items.some((m) => m.pdfUrl) ? LETTER_LINK_REFRESH_MS : false),
  });
  if (kase.isPending) return <Loader aria-label="Loading the case" />;
  if (kase.error) return <Alert color="red" title="Could not load the case">{kase.error.message}</Alert>;
  const c = kase.data;
  const b = c.balance;
  const money = (m: number | undefined) => formatMoney(m ?? 0, b.currency);
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={1}>{c.debtor.name}</Title>
          <Group gap="xs">
            <Badge size="lg" color={c.phase === 'closed' ? 'gray' : 'indigo'} aria-label={`Phase: ${formatPhase(c.phase)}${c.closedReason ? `, ${c.closedReason.replace(/_/g, ' ')}` : ''}`}>
              {c.phase === 'closed' ? `Closed/${(c.closedReason ?? '').replace(/_in_full$/, '').replace(/_/g, ' ')}` : formatPhase(c.phase)}
            </Badge>
            {c.hold && <Text size="sm">On hold for {c.hold.reason}{c.hold.note ? `: ${c.hold.note}` : ''}</Text>}
          </Group>
          <Text size="sm">
            Client{' '}
            <Anchor component={Link} to={`/clients/${encodeURIComponent(c.clientId)}`}>
              {c.clientId}
            </Anchor>
            {c.portfolio ? ` · portfolio ${c.portfolio}` : ''}
            {c.clientCaseNumber ? ` · case number ${c.clientCaseNumber}` : ''}
            {c.debtor.email ? ` · ${c.debtor.email}` : ''}
            {c.debtor.phone ? ` · ${c.debtor.phone}` : ''}
          </Text>
        </Stack>
      </Group>
      {c.phase !== 'closed' && <CaseActions caseId={c.caseId} currency={b.currency} outstandingMinor={b.outstandingMinor} mayAct={mayUse(me.role, 'POST /cases/{caseId}/hold')} />}

      <Title order={2}>Balance</Title>
      <SimpleGrid cols={{ base: 2, sm: 3, md: 6 }}>
        {(
          [
            ['Principal', b.principalMinor],
            ['Costs', b.costsMinor],
            ['Interest', b.interestMinor],
            ['Paid', b.paidMinor],
            ['Outstanding', b.outstandingMinor],
            ['Written off', b.writtenOffMinor ?? 0],
          ] as const
        ).map(([label, v]) => (
          <Paper key={label} withBorder p="sm">
            <Text size="sm">{label}</Text>
            <Text fw={600}>{money(v)}</Text>
          </Paper>
        ))}
      </SimpleGrid>

      <Title order={2}>Invoices</Title>
      <Table striped aria-label="Invoices of the case">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Date</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Amount</Table.Th>
            <Table.Th>Description</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {c.invoices.map((i) => (
            <Table.Tr key={i.invoiceNumber}>
              <Table.Td>{i.invoiceNumber}</Table.Td>
              <Table.Td>{i.invoiceDate ?? ''}</Table.Td>
              <Table.Td>{i.dueDate}</Table.Td>
              <Table.Td>{formatMoney(i.amountMinor, i.currency ?? b.currency)}</Table.Td>
              <Table.Td>{i.description ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Title order={2}>Timeline</Title>
      {timeline.error && <Alert color="red">{timeline.error.message}</Alert>}
      <Table aria-label="Timeline of the case">
        <Table.Tbody>
          {(timeline.data?.items ?? []).map((e, n) => (
            <Table.Tr key={n}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatInstant(e.at)}</Table.Td>
              <Table.Td>{e.message}</Table.Td>
              <Table.Td>{e.by ?? ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>

      <Title order={2}>Communications</Title>
      {comms.error && <Alert color="red">{comms.error.message}</Alert>}
      {comms.data?.items.length === 0 && <Text c="dimmed">Nothing sent yet.</Text>}
      <Stack gap="xs">
        {(comms.data?.items ?? []).map((m) => (
          <Paper key={m.key} withBorder p="sm">
            <Group gap="xs">
              <Badge variant="light">{m.channel}</Badge>
              <Text size="sm">{formatInstant(m.at)}</Text>
              <Text size="sm">{m.template ?? ''}</Text>
              <Text size="sm">to {m.recipient ?? 'unknown'}</Text>
              <Badge color={communicationStatusColor(m.status)}>{m.status}</Badge>
            </Group>
            {m.reason && <Text size="sm">{m.reason}</Text>}
            <CommunicationDisclosure message={m} />
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}
