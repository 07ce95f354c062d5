import { ActionIcon, Button, Fieldset, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import type { z } from 'zod';
import { formatMoney } from '../../../../../shared/domain/money';
import { financesSchema, type Client } from '../../../../../shared/schemas/client';
import { applyApiErrors } from './api-errors';
import { NumberField, SelectField, TextField } from './fields';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

type In = z.input<typeof financesSchema>;
type Out = z.output<typeof financesSchema>;

/** Currency, costs and interest charged to debtors, the commercial agreement, billing info and the enrichment cost. */
export function FinancesTab({ client }: { client: Client }) {
  const save = useSaveClient(client);
  const { control, handleSubmit, setError } = useForm<In, unknown, Out>({ resolver: zodResolver(financesSchema), defaultValues: client.finances });
  const costs = useFieldArray({ control, name: 'costs' });
  const kinds = useWatch({ control, name: 'costs' }) ?? [];
  const currency = useWatch({ control, name: 'currency' }) ?? client.finances.currency;
  const [error, setSaveError] = useState<unknown>();
  const submit = handleSubmit(async (finances) => {
    setSaveError(undefined);
    try {
      await save.mutateAsync({ finances });
    } catch (e) {
      applyApiErrors(e, 'finances', setError);
      setSaveError(e);
    }
  });
  const minor = `minor units of ${currency || 'the currency'}`;
  return (
    <form onSubmit={submit} noValidate aria-label="Finances">
      <Stack>
        <Title order={2}>Finances</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextField control={control} name="currency" label="Currency" description="ISO 4217, e.g. EUR" />
          <NumberField control={control} name="interest.annualRatePercent" label="Annual interest rate (%)" step={0.1} />
          <NumberField control={control} name="enrichmentCostMinor" label="Cost of one enrichment attempt" description={minor} />
        </SimpleGrid>
        <Fieldset legend="Costs charged to the debtor">
          <Stack>
            {costs.fields.map((f, i) => (
              <Group key={f.id} align="flex-end">
                <TextField control={control} name={`costs.${i}.name`} label={`Cost ${i + 1} name`} />
                <SelectField control={control} name={`costs.${i}.kind`} label={`Cost ${i + 1} kind`} data={[{ value: 'fixed', label: 'Fixed amount' }, { value: 'percentage', label: 'Percent of principal' }]} />
                {kinds[i]?.kind === 'percentage' ? (
                  <NumberField control={control} name={`costs.${i}.percent`} label={`Cost ${i + 1} percent`} step={0.5} />
                ) : (
                  <NumberField control={control} name={`costs.${i}.amountMinor`} label={`Cost ${i + 1} amount`} description={minor} />
                )}
                <ActionIcon variant="subtle" color="red" aria-label={`Remove cost ${i + 1}`} onClick={() => costs.remove(i)} mb={4}>
                  ✕
                </ActionIcon>
              </Group>
            ))}
            <Group>
              <Button variant="light" onClick={() => costs.append({ name: '', kind: 'fixed', amountMinor: 0 })}>
                Add cost
              </Button>
            </Group>
          </Stack>
        </Fieldset>
        <Fieldset legend="Commercial agreement">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberField control={control} name="commission.percent" label="Commission (% of collected)" step={0.5} />
            <NumberField control={control} name="commission.minimumPerCaseMinor" label="Minimum per closed case" description={minor} />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Billing info">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextField control={control} name="billingInfo.name" label="Billing name" />
            <TextField control={control} name="billingInfo.email" label="Billing email" />
            <TextField control={control} name="billingInfo.vatNumber" label="Billing VAT number" />
            <TextField control={control} name="billingInfo.reference" label="Purchase order reference" />
            <TextField control={control} name="billingInfo.iban" label="IBAN" />
            <NumberField control={control} name="billingInfo.paymentTermsDays" label="Payment terms (days)" />
            <SelectField control={control} name="billingInfo.invoiceFrequency" label="Invoice frequency" data={[{ value: 'monthly', label: 'Monthly' }, { value: 'quarterly', label: 'Quarterly' }]} clearable />
            <TextField control={control} name="billingInfo.address.line1" label="Billing address line 1" />
            <TextField control={control} name="billingInfo.address.postcode" label="Billing postcode" />
            <TextField control={control} name="billingInfo.address.city" label="Billing city" />
            <TextField control={control} name="billingInfo.address.country" label="Billing country" />
          </SimpleGrid>
        </Fieldset>
        {client.finances.enrichmentCostMinor !== undefined ? (
          <Text size="sm">An enrichment attempt costs {formatMoney(client.finances.enrichmentCostMinor, client.finances.currency)}.</Text>
        ) : null}
        <SaveBar clientId={client.clientId} error={error} pending={save.isPending} />
      </Stack>
    </form>
  );
}
