import { Fieldset, SimpleGrid, Stack, Title } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { api } from '../../../api/client';
import type { BusinessEntity } from '../../../../../shared/schemas/business-entity';
import { settingsSchema, type Client } from '../../../../../shared/schemas/client';
import { applyApiErrors } from './api-errors';
import { NumberField, SelectField, SwitchField, TextField } from './fields';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

type SettingsIn = z.input<typeof settingsSchema>;
type SettingsOut = z.output<typeof settingsSchema>;

const ZONES = Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z }));

/** Every setting of the client, checked by the API's own schema before it is sent. */
export function SettingsForm({ client, businessEntities, onSave }: { client: Client; businessEntities: { value: string; label: string }[]; onSave: (settings: SettingsOut) => Promise<unknown> }) {
  const { control, handleSubmit, setError, reset } = useForm<SettingsIn, unknown, SettingsOut>({ resolver: zodResolver(settingsSchema), defaultValues: client.settings });
  const [error, setSaveError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const submit = handleSubmit(async (values) => {
    setSaveError(undefined);
    setPending(true);
    try {
      await onSave(values);
    } catch (e) {
      applyApiErrors(e, 'settings', setError);
      setSaveError(e);
    } finally {
      setPending(false);
    }
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Settings">
      <Stack>
        <Fieldset legend="Business entity">
          <SelectField control={control} name="businessEntityId" label="Business entity" description="Sender, footer and templates of the messages" data={businessEntities} clearable />
        </Fieldset>
        <Fieldset legend="Workflow">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <SwitchField control={control} name="workflow.breathingSpace.enabled" label="Breathing space" description="A quiet period before outreach starts" />
            <NumberField control={control} name="workflow.breathingSpace.days" label="Breathing space days" />
            <NumberField control={control} name="workflow.paymentPlanReminderDays" label="Plan reminder days" description="Days before each instalment's due date" />
            <NumberField control={control} name="workflow.maxPhoneCallRetries" label="Phone call retries" />
            <NumberField control={control} name="workflow.brokenPlanAfterMissedInstallments" label="Missed instalments before a plan is broken" />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Contact hours">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberField control={control} name="workflow.contactHours.from" label="Contact hours from" description="Hour of the debtor's day, 0-23" />
            <NumberField control={control} name="workflow.contactHours.to" label="Contact hours to" description="Hour of the debtor's day, 1-24" />
            <SelectField control={control} name="workflow.contactHours.timeZone" label="Time zone" description="For debtors whose own zone is unknown" data={ZONES} clearable />
            <SwitchField control={control} name="workflow.contactHours.spread" label="Spread sends over the hours" />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Enrichment">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberField control={control} name="enrichment.intervalDays" label="Enrichment interval (days)" />
            <NumberField control={control} name="enrichment.attempts" label="Enrichment attempts" />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Imports">
          <Stack>
            <SwitchField control={control} name="import.newCasePerInvoice" label="A new case for every invoice" />
            <SwitchField control={control} name="import.matchOnClientCaseNumber" label="Match rows on the client's case number" />
          </Stack>
        </Fieldset>
        <Fieldset legend="Closure emails">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <SwitchField control={control} name="debtorCommunication.emailOnClosePaidInFull" label="Email when paid in full" />
            <TextField control={control} name="debtorCommunication.paidInFullTemplate" label="Paid-in-full template" description="Empty: the built-in text" />
            <SwitchField control={control} name="debtorCommunication.emailOnCloseSettlement" label="Email when settled" />
            <TextField control={control} name="debtorCommunication.settlementTemplate" label="Settlement template" description="Empty: the built-in text" />
          </SimpleGrid>
        </Fieldset>
        <SaveBar clientId={client.clientId} error={error} pending={pending} onReload={() => reset()} />
      </Stack>
    </form>
  );
}

export function SettingsTab({ client }: { client: Client }) {
  const save = useSaveClient(client);
  const entities = useQuery({ queryKey: ['business-entities', 'all'], queryFn: () => api.get<{ items: BusinessEntity[] }>('/business-entities', { limit: 100 }) });
  const options = (entities.data?.items ?? []).map((e) => ({ value: e.businessEntityId, label: e.name }));
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <SettingsForm key={client.version} client={client} businessEntities={options} onSave={(settings) => save.mutateAsync({ settings })} />
    </Stack>
  );
}
