import { Button, Card, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useController, useForm, type Control } from 'react-hook-form';
import type { z } from 'zod';
import { workflowOverridesSchema } from '../../../../../shared/schemas/workflow';
import type { Client, Portfolio } from '../../../../../shared/schemas/client';
import { applyApiErrors } from './api-errors';
import { NumberField } from './fields';
import { PortfolioDiff } from './portfolio-diff';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

type In = z.input<typeof workflowOverridesSchema>;
type Out = z.output<typeof workflowOverridesSchema>;

function InheritSwitch({ control, label }: { control: Control<In>; label: string }) {
  const { field } = useController({ control, name: 'breathingSpace.enabled' });
  const value = field.value === undefined ? 'inherit' : field.value ? 'on' : 'off';
  return (
    <Select
      label={label}
      value={value}
      allowDeselect={false}
      data={[
        { value: 'inherit', label: "The client's" },
        { value: 'on', label: 'On' },
        { value: 'off', label: 'Off' },
      ]}
      onChange={(v) => field.onChange(v === 'inherit' ? undefined : v === 'on')}
    />
  );
}

/** A portfolio's overrides; an empty field takes the client's value. */
function OverridesForm({ client, index, onDone }: { client: Client; index: number; onDone: () => void }) {
  const save = useSaveClient(client);
  const portfolio = client.portfolios[index]!;
  const { control, handleSubmit, setError } = useForm<In, unknown, Out>({ resolver: zodResolver(workflowOverridesSchema), defaultValues: portfolio.workflowOverrides });
  const [error, setSaveError] = useState<unknown>();
  const submit = handleSubmit(async (values) => {
    const bs = values.breathingSpace && (values.breathingSpace.enabled !== undefined || values.breathingSpace.days !== undefined) ? values.breathingSpace : undefined;
    const workflowOverrides = { ...values, breathingSpace: bs };
    if (!bs) delete workflowOverrides.breathingSpace;
    setSaveError(undefined);
    try {
      await save.mutateAsync({ portfolios: client.portfolios.map((p, i) => (i === index ? { ...p, workflowOverrides } : p)) });
      onDone();
    } catch (e) {
      applyApiErrors(e, `portfolios.${index}.workflowOverrides`, setError);
      setSaveError(e);
    }
  });
  return (
    <form onSubmit={submit} noValidate aria-label={`Overrides of ${portfolio.name}`}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <InheritSwitch control={control} label="Breathing space override" />
        <NumberField control={control} name="breathingSpace.days" label="Breathing space days override" />
        <NumberField control={control} name="paymentPlanReminderDays" label="Plan reminder days override" />
        <NumberField control={control} name="maxPhoneCallRetries" label="Phone call retries override" />
        <NumberField control={control} name="brokenPlanAfterMissedInstallments" label="Missed instalments before broken override" />
      </SimpleGrid>
      <SaveBar clientId={client.clientId} error={error} pending={save.isPending} label="Save overrides" />
    </form>
  );
}

export function PortfoliosTab({ client }: { client: Client }) {
  const [editing, setEditing] = useState<number>();
  return (
    <Stack>
      <Title order={2}>Portfolios</Title>
      {client.portfolios.length === 0 ? <Text>This client has no portfolios: every case runs with the client's settings.</Text> : null}
      {client.portfolios.map((p: Portfolio, i) => (
        <Card withBorder key={p.name}>
          <Group justify="space-between">
            <Title order={3}>
              {p.name}
              {client.defaultPortfolio === p.name ? ' (default)' : ''}
            </Title>
            <Button variant="light" onClick={() => setEditing(editing === i ? undefined : i)} aria-label={`Edit overrides of ${p.name}`}>
              {editing === i ? 'Close' : 'Edit overrides'}
            </Button>
          </Group>
          <PortfolioDiff client={client} portfolio={p} />
          {editing === i ? <OverridesForm key={client.version} client={client} index={i} onDone={() => setEditing(undefined)} /> : null}
        </Card>
      ))}
    </Stack>
  );
}
