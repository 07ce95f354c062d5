import { Alert, Loader, Stack, Tabs, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { lazy, Suspense } from 'react';
import { api, ApiError } from '../../api/client';
import { CasesTable } from '../cases/cases-table';
import { ImportsPanel } from '../imports/imports-panel';
import { CommunicationsTab } from './tabs/communications-tab';
import { CompanyInfoTab } from './tabs/company-info-tab';
import { ContactsTab } from './tabs/contacts-tab';
import { FinancesTab } from './tabs/finances-tab';
import { InvoicesTab } from './tabs/invoices-tab';
import { PortfoliosTab } from './tabs/portfolios-tab';
import { SettingsTab } from './tabs/settings-tab';
import { useClient } from './tabs/use-client';
import { WorkflowsTab } from './tabs/workflows-tab';

// The charts library loads with the Results tab only.
const ResultsTab = lazy(() => import('./tabs/results-tab').then((m) => ({ default: m.ResultsTab })));

/** The client page's tabs, by the contract's names; the last five once the client has cases. */
export const CLIENT_TABS = [
  ['company-info', 'Company info'],
  ['contacts', 'Contacts'],
  ['settings', 'Settings'],
  ['finances', 'Finances'],
  ['workflows', 'Workflows'],
  ['portfolios', 'Portfolios'],
] as const;
export const CASE_TABS = [
  ['cases', 'Cases'],
  ['invoices', 'Invoices'],
  ['imports', 'Imports'],
  ['communications', 'Communications'],
  ['results', 'Results'],
] as const;

export function ClientPage() {
  const { clientId } = useParams({ strict: false }) as { clientId: string };
  const search = useSearch({ strict: false }) as { tab?: string };
  const navigate = useNavigate();
  const client = useClient(clientId);
  const cases = useQuery({ queryKey: ['client-has-cases', clientId], queryFn: () => api.get<{ items: unknown[] }>(`/clients/${encodeURIComponent(clientId)}/cases`, { limit: 1 }) });
  if (client.isPending) return <Loader aria-label="Loading" />;
  if (client.error)
    return (
      <Alert color="red" role="alert" title="This client cannot be shown">
        {client.error instanceof ApiError ? client.error.message : String(client.error)}
      </Alert>
    );
  const c = client.data;
  const hasCases = (cases.data?.items.length ?? 0) > 0;
  const tabs = [...CLIENT_TABS, ...(hasCases ? CASE_TABS : [])];
  const current = tabs.some(([v]) => v === search.tab) ? search.tab! : 'company-info';
  const panel = (value: string) => {
    switch (value) {
      case 'company-info':
        return <CompanyInfoTab key={c.version} client={c} />;
      case 'contacts':
        return <ContactsTab client={c} />;
      case 'settings':
        return <SettingsTab client={c} />;
      case 'finances':
        return <FinancesTab key={c.version} client={c} />;
      case 'workflows':
        return <WorkflowsTab client={c} />;
      case 'portfolios':
        return <PortfoliosTab client={c} />;
      case 'cases':
        return <CasesTable clientId={c.clientId} />;
      case 'invoices':
        return <InvoicesTab client={c} />;
      case 'imports':
        return <ImportsPanel clientId={c.clientId} />;
      case 'communications':
        return <CommunicationsTab client={c} />;
      case 'results':
        return (
          <Suspense fallback={<Loader aria-label="Loading" />}>
            <ResultsTab client={c} />
          </Suspense>
        );
      default:
        return null;
    }
  };
  return (
    <Stack>
      <Title order={1}>{c.companyInfo.name}</Title>
      <Tabs
        value={current}
        keepMounted={false}
        onChange={(tab) => tab && void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, tab }) } as never)}
      >
        <Tabs.List aria-label={`${c.companyInfo.name}`}>
          {tabs.map(([value, label]) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map(([value]) => (
          <Tabs.Panel key={value} value={value} pt="md">
            {value === current ? panel(value) : null}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
