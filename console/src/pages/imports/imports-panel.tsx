import { Alert, Badge, Button, FileButton, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent } from 'react';
import { api, type Page } from '../../api/client';
import { useSession } from '../../auth/session';
import { mayUse } from '../../layout/navigation';
import { formatInstant } from '../../format/money';
import { importStatusColor } from '../../format/status-colors';
import type { ImportRecord } from '../../../../shared/schemas/import';

type ImportView = Omit<ImportRecord, 'checkpoint'> & { progress?: { rowsDone: number } };
const running = (i: ImportView) => i.status === 'pending' || i.status === 'processing';

/** Drop a CSV (or choose one), watch its import run, read its counts and first errors, download the report. */
export function ImportsPanel({ clientId }: { clientId: string }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [over, setOver] = useState(false);
  const [problem, setProblem] = useState<string>();
  const list = useQuery({
    queryKey: ['imports', clientId],
    queryFn: () => api.get<Page<ImportView>>(`/clients/${encodeURIComponent(clientId)}/imports`, { limit: 25 }),
    // Live while one runs: the importer writes its counts as it goes.
    refetchInterval: (q) => (q.state.data?.items.some(running) ? 1000 : false),
  });
  // An import that finished has changed the client's cases: what was read of them before is stale
  // (the client page's case tabs appear once it has cases, the cases lists show the new ones).
  const finished = (list.data?.items ?? []).filter((i) => !running(i)).map((i) => i.importId).join();
  useEffect(() => {
    if (!finished) return;
    void queryClient.invalidateQueries({ queryKey: ['client-has-cases', clientId] });
    void queryClient.invalidateQueries({ queryKey: ['cases', clientId] });
  }, [finished, clientId, queryClient]);
  const upload = useMutation({
    mutationFn: async (file: File) => {
      if (!/\.csv$/i.test(file.name)) throw new Error(`${file.name} is not a .csv file`);
      const made = await api.post<ImportView & { uploadUrl: string }>(`/clients/${encodeURIComponent(clientId)}/imports`, {});
      const put = await fetch(made.uploadUrl, { method: 'PUT', body: file, headers: { 'content-type': 'text/csv' } });
      if (!put.ok) throw new Error(`The upload was refused (${put.status}): ${(await put.text()).slice(0, 300)}`);
      return made;
    },
    onMutate: () => setProblem(undefined),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['imports', clientId] }),
    onError: (e) => setProblem(e.message),
  });
  const mayUpload = mayUse(me.role, 'POST /clients/{clientId}/imports');
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) upload.mutate(file);
  };
  const latest = list.data?.items[0];
  return (
    <Stack>
      {mayUpload && (
        <Paper
          withBorder
          p="xl"
          role="region"
          aria-label="Drop a CSV file here"
          bg={over ? 'indigo.0' : undefined}
          style={{ borderStyle: 'dashed', borderWidth: 2 }}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <Stack align="center" gap="xs">
            <Text fw={500}>Drop a CSV file here to import its cases</Text>
            <Text size="sm" c="dimmed">
              One row per invoice: debtor_name, invoice_number, due_date and amount at least.
            </Text>
            <FileButton onChange={(f) => f && upload.mutate(f)} accept=".csv,text/csv">
              {(props) => (
                <Button {...props} variant="light" loading={upload.isPending}>
                  Choose CSV file
                </Button>
              )}
            </FileButton>
          </Stack>
        </Paper>
      )}
      {problem && (
        <Alert color="red" title="Not uploaded" role="alert">
          {problem}
        </Alert>
      )}
      {latest && <ImportSummary imp={latest} />}
      <Title order={2} size="h3">
        Imports
      </Title>
      {list.error && <Alert color="red">{list.error.message}</Alert>}
      <Table striped aria-label="Imports">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>File</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Rows</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Merged</Table.Th>
            <Table.Th>Rejected</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data?.items ?? []).map((i) => (
            <Table.Tr key={i.importId}>
              <Table.Td>{formatInstant(i.startedAt)}</Table.Td>
              <Table.Td>{i.key.split('/').at(-1)}</Table.Td>
              <Table.Td>
                <StatusBadge status={i.status} />
              </Table.Td>
              <Table.Td>{i.counts.rows}</Table.Td>
              <Table.Td>{i.counts.created}</Table.Td>
              <Table.Td>{i.counts.merged}</Table.Td>
              <Table.Td>{i.counts.rejected}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.data?.items.length === 0 && <Text c="dimmed">No imports yet.</Text>}
    </Stack>
  );
}

function StatusBadge({ status }: { status: ImportView['status'] }) {
  return (
    <Badge color={importStatusColor(status)} variant="filled">
      {status}
    </Badge>
  );
}

/** The newest import: status live, counts, first errors and the full report. */
function ImportSummary({ imp }: { imp: ImportView }) {
  const [problem, setProblem] = useState<string>();
  const report = async () => {
    try {
      const link = await api.get<{ url: string }>(`/imports/${encodeURIComponent(imp.importId)}/report`, { format: 'link' });
      window.location.assign(link.url);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Paper withBorder p="md" aria-label="Latest import" role="status">
      <Stack gap="xs">
        <Group>
          <Text fw={600}>Import {imp.key.split('/').at(-1)}</Text>
          <StatusBadge status={imp.status} />
        </Group>
        <Text>
          {running(imp)
            ? `Importing: ${imp.progress?.rowsDone ?? 0} rows done`
            : `Import ${imp.status}: ${imp.counts.rows} rows, ${imp.counts.created} cases created, ${imp.counts.merged} merged, ${imp.counts.duplicates} duplicates, ${imp.counts.rejected} rejected`}
        </Text>
        {imp.failureReason && <Text c="red.9">{imp.failureReason}</Text>}
        {imp.errors.length > 0 && (
          <Table aria-label="First rejected rows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Row</Table.Th>
                <Table.Th>Column</Table.Th>
                <Table.Th>Why</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {imp.errors.slice(0, 10).map((e, n) => (
                <Table.Tr key={n}>
                  <Table.Td>{e.row}</Table.Td>
                  <Table.Td>{e.column ?? ''}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {imp.reportKey && !running(imp) && (
          <Group>
            <Button variant="light" onClick={() => void report()}>
              Download error report
            </Button>
          </Group>
        )}
        {problem && <Text c="red.9">{problem}</Text>}
      </Stack>
    </Paper>
  );
}
