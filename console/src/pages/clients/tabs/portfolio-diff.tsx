import { Badge, Table } from '@mantine/core';
import type { Client, Portfolio } from '../../../../../shared/schemas/client';
import { WORKFLOW_KINDS } from '../../../../../shared/schemas/workflow';
import { KIND_LABEL } from '../../../components/workflow-timeline/workflow-labels';

export interface DiffRow {
  setting: string;
  client: string;
  portfolio: string;
  differs: boolean;
}

const onOff = (b: boolean) => (b ? 'on' : 'off');
const hours = (h: Client['settings']['workflow']['contactHours']) => `${h.from}:00-${h.to}:00${h.timeZone ? ` ${h.timeZone}` : ''}${h.spread ? '' : ', not spread'}`;
const nodes = (n: unknown[] | undefined) => (n ? `${n.length} node${n.length === 1 ? '' : 's'}` : '');

/** Each setting a portfolio may override: the client's value, the portfolio's (its override, else the client's). */
export function portfolioDiff(client: Pick<Client, 'settings' | 'workflows'>, portfolio: Portfolio): DiffRow[] {
  const base = client.settings.workflow;
  const o = portfolio.workflowOverrides ?? {};
  const row = (setting: string, c: string, p: string | undefined): DiffRow => ({ setting, client: c, portfolio: p ?? c, differs: p !== undefined && p !== c });
  return [
    row('Breathing space', onOff(base.breathingSpace.enabled), o.breathingSpace?.enabled === undefined ? undefined : onOff(o.breathingSpace.enabled)),
    row('Breathing space days', String(base.breathingSpace.days), o.breathingSpace?.days === undefined ? undefined : String(o.breathingSpace.days)),
    row('Plan reminder days', String(base.paymentPlanReminderDays), o.paymentPlanReminderDays === undefined ? undefined : String(o.paymentPlanReminderDays)),
    row('Phone call retries', String(base.maxPhoneCallRetries), o.maxPhoneCallRetries === undefined ? undefined : String(o.maxPhoneCallRetries)),
    row('Missed instalments before broken', String(base.brokenPlanAfterMissedInstallments), o.brokenPlanAfterMissedInstallments === undefined ? undefined : String(o.brokenPlanAfterMissedInstallments)),
    row('Contact hours', hours(base.contactHours), o.contactHours ? hours(o.contactHours) : undefined),
    ...WORKFLOW_KINDS.map((k) => {
      const own = portfolio.workflows?.[k];
      const r = row(`${KIND_LABEL[k]} workflow`, nodes(client.workflows[k]), own ? `own: ${nodes(own)}` : undefined);
      return own ? { ...r, differs: JSON.stringify(own) !== JSON.stringify(client.workflows[k]) } : r;
    }),
  ];
}

/** The client's settings and a portfolio's side by side; what the portfolio changes is marked in words and colour. */
export function PortfolioDiff({ client, portfolio }: { client: Pick<Client, 'settings' | 'workflows'>; portfolio: Portfolio }) {
  return (
    <Table aria-label={`${portfolio.name} against the client's settings`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Setting</Table.Th>
          <Table.Th>Client</Table.Th>
          <Table.Th>Portfolio {portfolio.name}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {portfolioDiff(client, portfolio).map((r) => (
          <Table.Tr key={r.setting} bg={r.differs ? 'yellow.1' : undefined} data-differs={r.differs || undefined}>
            <Table.Td>{r.setting}</Table.Td>
            <Table.Td>{r.client}</Table.Td>
            <Table.Td>
              {r.portfolio}{' '}
              {r.differs ? (
                <Badge color="dark.7" variant="outline" size="sm">
                  Overridden
                </Badge>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
