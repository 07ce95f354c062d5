import { Stack, Title } from '@mantine/core';
import type { z } from 'zod';
import { formatMoney } from '../../../../../shared/domain/money';
import type { Client } from '../../../../../shared/schemas/client';
import type { clientInvoiceSchema } from '../../../../../shared/schemas/views';
import { CaseLink } from './case-link';
import { PagedTable } from './paged-table';

type ClientInvoice = z.infer<typeof clientInvoiceSchema>;

export function InvoicesTab({ client }: { client: Client }) {
  return (
    <Stack>
      <Title order={2}>Invoices</Title>
      <PagedTable<ClientInvoice>
        caption={`Invoices of ${client.companyInfo.name}`}
        queryKey={['client-invoices', client.clientId]}
        path={`/clients/${encodeURIComponent(client.clientId)}/invoices`}
        rowKey={(i) => `${i.caseId}/${i.invoiceNumber}`}
        columns={[
          { header: 'Invoice', cell: (i) => i.invoiceNumber },
          { header: 'Debtor', cell: (i) => (
            <CaseLink caseId={i.caseId}>
              {i.debtorName}
            </CaseLink>
          ) },
          { header: 'Due', cell: (i) => i.dueDate },
          { header: 'Amount', cell: (i) => formatMoney(i.amountMinor, i.currency) },
          { header: 'Phase', cell: (i) => i.phase.replace(/_/g, ' ') },
        ]}
      />
    </Stack>
  );
}
