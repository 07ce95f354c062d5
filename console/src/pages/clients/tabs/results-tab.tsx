import '@mantine/charts/styles.css';
import { Alert, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart, LineChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../../api/client';
import { ChartFigure, listFigures } from '../../../components/chart-figure';
import { formatMoney } from '../../../../../shared/domain/money';
import type { Client } from '../../../../../shared/schemas/client';
import { isMissingRoute } from './api-errors';

export interface ClientResults {
  clientId: string;
  currency: string;
  placedMinor: number;
  collectedMinor: number;
  recoveryRate: number;
  openCases: number;
  casesByPhase: Record<string, number>;
  liquidation: { month: string; placedMinor: number; points: { day: number; collectedMinor: number; share: number }[] }[];
  contacts: Record<string, { sent: number; failed: number; skipped: number; optedOut: number }>;
  asOf: string;
}

const PALETTE = ['blue.8', 'teal.8', 'grape.8', 'orange.8', 'red.8', 'indigo.8', 'lime.9', 'cyan.8'];
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** One row per day since placement, one column per import month: the share of that month's placed amount collected by then. */
export function liquidationRows(liquidation: ClientResults['liquidation']): Record<string, number>[] {
  const days = [...new Set(liquidation.flatMap((m) => m.points.map((p) => p.day)))].sort((a, b) => a - b);
  return days.map((day) => {
    const row: Record<string, number> = { day };
    for (const m of liquidation) {
      // A month's curve holds its last value between its points (collected never goes down).
      const upTo = m.points.filter((p) => p.day <= day);
      if (upTo.length) row[m.month] = Math.round(upTo[upTo.length - 1]!.share * 1000) / 10;
    }
    return row;
  });
}

/** Each import month's curve in words: how much of its placed amount was collected by which day. */
export function liquidationSummary(liquidation: ClientResults['liquidation']): string {
  return liquidation
    .map((m) => `Placed in ${m.month}: ${m.points.length ? m.points.map((p) => `${percent(p.share)} collected by day ${p.day}`).join(', ') : 'nothing collected yet'}.`)
    .join(' ');
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder p="md">
      <Text size="sm" c="gray.8">
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

export function ResultsTab({ client }: { client: Client }) {
  const q = useQuery({ queryKey: ['client-results', client.clientId], queryFn: () => api.get<ClientResults>(`/clients/${encodeURIComponent(client.clientId)}/results`), retry: (n, e) => !isMissingRoute(e) && n < 2 });
  if (q.isPending) return <Loader aria-label="Loading" />;
  if (q.error)
    return isMissingRoute(q.error) ? (
      <Alert color="gray">Results are not served by this API yet.</Alert>
    ) : (
      <Alert color="red" role="alert">
        {q.error instanceof ApiError ? q.error.message : String(q.error)}
      </Alert>
    );
  const r = q.data;
  const money = (m: number) => formatMoney(m, r.currency);
  const phases = Object.entries(r.casesByPhase).map(([phase, cases]) => ({ phase: phase.replace(/_/g, ' '), cases }));
  const months = r.liquidation.map((m, i) => ({ name: m.month, color: PALETTE[i % PALETTE.length]! }));
  return (
    <Stack>
      <Title order={2}>Results</Title>
      <Text size="sm">As of {new Date(r.asOf).toLocaleString('en-GB')}.</Text>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure label="Amount placed" value={money(r.placedMinor)} />
        <Figure label="Collected" value={money(r.collectedMinor)} />
        <Figure label="Recovery rate" value={percent(r.recoveryRate)} />
        <Figure label="Open cases" value={String(r.openCases)} />
      </SimpleGrid>
      <Title order={3}>Cases by phase</Title>
      <ChartFigure label="Cases by phase" summary={`Cases by phase: ${listFigures(phases.map((p) => [p.phase, p.cases]), 'no cases')}.`}>
        <BarChart h={240} data={phases} dataKey="phase" series={[{ name: 'cases', label: 'Cases', color: 'blue.8' }]} />
      </ChartFigure>
      <Title order={3}>Liquidation curve</Title>
      <Text size="sm">Share of the amount placed that is collected, by days since placement; one line per import month.</Text>
      {months.length ? (
        <ChartFigure label="Liquidation curve" summary={liquidationSummary(r.liquidation)}>
          <LineChart h={280} data={liquidationRows(r.liquidation)} dataKey="day" series={months} unit="%" connectNulls withLegend xAxisLabel="Days since placement" yAxisLabel="Collected (%)" />
        </ChartFigure>
      ) : (
        <Text>No placements yet.</Text>
      )}
      <Title order={3}>Contacts by channel</Title>
      <Table aria-label="Contacts by channel">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Channel</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Failed</Table.Th>
            <Table.Th>Skipped</Table.Th>
            <Table.Th>Opted out</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {Object.entries(r.contacts).map(([channel, c]) => (
            <Table.Tr key={channel}>
              <Table.Td>{channel}</Table.Td>
              <Table.Td>{c.sent}</Table.Td>
              <Table.Td>{c.failed}</Table.Td>
              <Table.Td>{c.skipped}</Table.Td>
              <Table.Td>{c.optedOut}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
