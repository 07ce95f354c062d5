import { Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { PHASES } from '../../../../shared/schemas/case';
import { ClientPicker, useClientChoice } from '../../components/client-picker';
import { formatPhase } from '../../format/money';
import { CasesTable } from './cases-table';

const route = getRouteApi('/cases');

export function CasesPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const clientId = useClientChoice(search.clientId);
  const [q, setQ] = useState(search.q ?? '');
  const [debounced] = useDebouncedValue(q, 300);
  useEffect(() => {
    if ((debounced || undefined) !== search.q) void navigate({ search: (s) => ({ ...s, q: debounced || undefined }), replace: true });
  }, [debounced, search.q, navigate]);
  return (
    <Stack>
      <Title order={1}>Cases</Title>
      <ClientPicker value={clientId} onChange={(id) => void navigate({ search: { clientId: id } })} />
      <Group align="flex-end">
        <Select
          label="Phase"
          placeholder="Any phase"
          clearable
          data={PHASES.map((p) => ({ value: p, label: formatPhase(p) }))}
          value={search.phase ?? null}
          onChange={(v) => void navigate({ search: (s) => ({ ...s, phase: v ?? undefined }) })}
        />
        <TextInput label="Portfolio" value={search.portfolio ?? ''} onChange={(e) => void navigate({ search: (s) => ({ ...s, portfolio: e.currentTarget.value || undefined }), replace: true })} />
        <TextInput label="Search" description="Debtor name, email, phone, case or invoice number" value={q} onChange={(e) => setQ(e.currentTarget.value)} miw={280} />
      </Group>
      {clientId ? <CasesTable clientId={clientId} filters={{ phase: search.phase, portfolio: search.portfolio, q: search.q }} /> : <Text c="dimmed">Pick a client to see its cases.</Text>}
    </Stack>
  );
}
