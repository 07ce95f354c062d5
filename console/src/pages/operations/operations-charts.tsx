import '@mantine/charts/styles.css';
import { Alert, Anchor, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../api/client';
import { ChartFigure } from '../../components/chart-figure';
import { appConfig } from '../../config';

export interface OperationsFigures {
  executions: Record<string, { running: number; succeeded: number; failed: number }>;
  sends: Record<string, { sent: number; failed: number; skipped: number }>;
  failures: { stepFailures: number; givenUp: number };
  imports: { rows: number; rowsPerSecond?: number; lastImportAt?: string };
  dashboardUrl?: string;
  asOf: string;
}

const rowsOf = <T extends object>(byKey: Record<string, T>, key: string) => Object.entries(byKey).map(([k, v]) => ({ [key]: k, ...v }));

/** "email 2 sent, 0 failed; sms 1 sent, 1 failed" from figures by key. */
function inWords<K extends string>(byKey: Record<string, Record<K, number>>, fields: K[]): string {
  const parts = Object.entries(byKey).map(([key, v]) => `${key} ${fields.map((f) => `${v[f]} ${f}`).join(', ')}`);
  return parts.length ? parts.join('; ') : 'none yet';
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

/** Figures by key (kind, channel) as a bar chart, named and said in words from the same series. */
function FiguresChart<K extends string>({ label, noun, byKey, keyName, series, stacked }: { label: string; noun: string; byKey: Record<string, Record<K, number>>; keyName: string; series: { name: K; label: string; color: string }[]; stacked?: boolean }) {
  return (
    <ChartFigure label={label} summary={`${noun}: ${inWords(byKey, series.map((x) => x.name))}.`}>
      <BarChart h={260} data={rowsOf(byKey, keyName)} dataKey={keyName} {...(stacked ? { type: 'stacked' as const } : {})} withLegend series={series} />
    </ChartFigure>
  );
}

/** What the engine is doing: executions by kind and status, sends by channel, failures, import throughput. */
export function OperationsCharts() {
  const q = useQuery({ queryKey: ['operations'], queryFn: () => api.get<OperationsFigures>('/operations'), refetchInterval: 10_000 });
  const dashboardUrl = q.data?.dashboardUrl ?? appConfig().dashboardUrl;
  return (
    <Stack>
      <Title order={1}>Operations</Title>
      {dashboardUrl ? (
        <Anchor href={dashboardUrl} target="_blank" rel="noreferrer">
          CloudWatch dashboard
        </Anchor>
      ) : null}
      {q.isPending ? <Loader aria-label="Loading" /> : null}
      {q.error ? (
        <Alert color="red" role="alert">
          {q.error instanceof ApiError && q.error.status === 404 ? 'The operations figures are not served by this API yet.' : q.error instanceof ApiError ? q.error.message : String(q.error)}
        </Alert>
      ) : null}
      {q.data ? (
        <>
          <Text size="sm">As of {new Date(q.data.asOf).toLocaleString('en-GB')}.</Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Figure label="Step failures" value={String(q.data.failures.stepFailures)} />
            <Figure label="Given up after retries" value={String(q.data.failures.givenUp)} />
            <Figure label="Rows imported" value={String(q.data.imports.rows)} />
            <Figure label="Import rows per second" value={q.data.imports.rowsPerSecond === undefined ? 'n/a' : q.data.imports.rowsPerSecond.toFixed(0)} />
          </SimpleGrid>
          <Title order={2}>Executions by kind</Title>
          <FiguresChart
            label="Executions by kind and status"
            noun="Executions"
            byKey={q.data.executions}
            keyName="kind"
            stacked
            series={[
              { name: 'running', label: 'Running', color: 'blue.8' },
              { name: 'succeeded', label: 'Succeeded', color: 'teal.8' },
              { name: 'failed', label: 'Failed', color: 'red.8' },
            ]}
          />
          <Title order={2}>Sends by channel</Title>
          <FiguresChart
            label="Sends by channel"
            noun="Sends"
            byKey={q.data.sends}
            keyName="channel"
            series={[
              { name: 'sent', label: 'Sent', color: 'teal.8' },
              { name: 'failed', label: 'Failed', color: 'red.8' },
              { name: 'skipped', label: 'Skipped', color: 'gray.7' },
            ]}
          />
          {q.data.imports.lastImportAt ? <Text size="sm">Last import {new Date(q.data.imports.lastImportAt).toLocaleString('en-GB')}.</Text> : null}
        </>
      ) : null}
    </Stack>
  );
}

export default OperationsCharts;
