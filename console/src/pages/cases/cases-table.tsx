import { Alert, Anchor, Badge, Button, Group, Loader, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, type Page } from '../../api/client';
import { formatMoney, formatPhase } from '../../format/money';

interface CaseRow {
  caseId: string;
  clientCaseNumber?: string;
  portfolio?: string;
  debtor: { name: string; email?: string };
  invoices: { invoiceNumber: string }[];
  phase: string;
  closedReason?: string;
  balance?: { outstandingMinor: number; currency: string };
}

export interface CaseFilters {
  phase?: string;
  portfolio?: string;
  q?: string;
}

/** A client's cases, filtered as the API filters them (phase, portfolio, q), page by page. */
export function CasesTable({ clientId, filters = {} }: { clientId: string; filters?: CaseFilters }) {
  const cases = useInfiniteQuery({
    queryKey: ['cases', clientId, filters],
    queryFn: ({ pageParam }) => api.get<Page<CaseRow>>(`/clients/${encodeURIComponent(clientId)}/cases`, { limit: 25, cursor: pageParam, ...filters }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.cursor,
  });
  if (cases.isPending) return <Loader aria-label="Loading cases" />;
  if (cases.error) return <Alert color="red" title="Could not load the cases">{cases.error.message}</Alert>;
  const rows = cases.data.pages.flatMap((p) => p.items);
  return (
    <>
      <Table striped highlightOnHover aria-label="Cases">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Debtor</Table.Th>
            <Table.Th>Invoices</Table.Th>
            <Table.Th>Portfolio</Table.Th>
            <Table.Th>Phase</Table.Th>
            <Table.Th>Outstanding</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((c) => (
            <Table.Tr key={c.caseId}>
              <Table.Td>
                <Anchor component={Link} to={`/cases/${encodeURIComponent(c.caseId)}`}>
                  {c.debtor.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{c.invoices.map((i) => i.invoiceNumber).join(', ')}</Table.Td>
              <Table.Td>{c.portfolio ?? ''}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={c.phase === 'closed' ? 'gray' : 'indigo'}>
                  {formatPhase(c.phase)}
                </Badge>
              </Table.Td>
              <Table.Td>{c.balance ? formatMoney(c.balance.outstandingMinor, c.balance.currency) : ''}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {rows.length === 0 && <Text c="dimmed">No case matches.</Text>}
      {cases.hasNextPage && (
        <Group>
          <Button variant="light" loading={cases.isFetchingNextPage} onClick={() => void cases.fetchNextPage()}>
            More cases
          </Button>
        </Group>
      )}
    </>
  );
}
