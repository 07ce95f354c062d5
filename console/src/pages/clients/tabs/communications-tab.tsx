import { Badge, Group, Select, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import type { z } from 'zod';
import { COMMUNICATION_STATUSES } from '../../../../../shared/schemas/case';
import type { Client } from '../../../../../shared/schemas/client';
import type { clientCommunicationSchema } from '../../../../../shared/schemas/views';
import { NODE_TYPES } from '../../../../../shared/schemas/workflow';
import { CommunicationDisclosure } from '../../cases/communication-content';
import { CHANNEL_LABEL } from '../../../components/workflow-timeline/workflow-labels';
import { communicationStatusColor } from '../../../format/status-colors';
import { CaseLink } from './case-link';
import { PagedTable } from './paged-table';

type ClientCommunication = z.infer<typeof clientCommunicationSchema>;

export function CommunicationsTab({ client }: { client: Client }) {
  const [channel, setChannel] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  return (
    <Stack>
      <Title order={2}>Communications</Title>
      <Group>
        <Select label="Channel" placeholder="Every channel" clearable value={channel} onChange={setChannel} data={NODE_TYPES.map((t) => ({ value: t, label: CHANNEL_LABEL[t] }))} />
        <Select label="Status" placeholder="Every status" clearable value={status} onChange={setStatus} data={COMMUNICATION_STATUSES.map((s) => ({ value: s, label: s }))} />
      </Group>
      <PagedTable<ClientCommunication>
        caption={`Messages to the debtors of ${client.companyInfo.name}, newest first`}
        queryKey={['client-communications', client.clientId, channel, status]}
        path={`/clients/${encodeURIComponent(client.clientId)}/communications`}
        query={{ channel: channel ?? undefined, status: status ?? undefined }}
        missing="Communications across the client's cases are not served by this API yet; each case page shows its own."
        rowKey={(c) => c.key}
        columns={[
          { header: 'When', cell: (c) => new Date(c.at).toLocaleString('en-GB') },
          { header: 'Debtor', cell: (c) => (
            <CaseLink caseId={c.caseId}>
              {c.debtorName}
            </CaseLink>
          ) },
          { header: 'Channel', cell: (c) => CHANNEL_LABEL[c.channel] },
          { header: 'Template', cell: (c) => c.template ?? '' },
          { header: 'Recipient', cell: (c) => c.recipient ?? '' },
          { header: 'Status', cell: (c) => (
            <Badge color={communicationStatusColor(c.status)} variant="filled">
              {c.status}
            </Badge>
          ) },
          { header: 'Reason', cell: (c) => c.reason ?? '' },
          { header: 'Content', cell: (c) => <CommunicationDisclosure message={c} /> },
        ]}
      />
    </Stack>
  );
}
