import { Fieldset, SimpleGrid, Stack, Title } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { clientInputSchema, type Client } from '../../../../../shared/schemas/client';
import { applyApiErrors } from './api-errors';
import { TextField } from './fields';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

const companyInfoSchema = clientInputSchema.shape.companyInfo;
type In = z.input<typeof companyInfoSchema>;
type Out = z.output<typeof companyInfoSchema>;

export function CompanyInfoTab({ client }: { client: Client }) {
  const save = useSaveClient(client);
  const { control, handleSubmit, setError } = useForm<In, unknown, Out>({ resolver: zodResolver(companyInfoSchema), defaultValues: client.companyInfo });
  const [error, setSaveError] = useState<unknown>();
  const submit = handleSubmit(async (companyInfo) => {
    setSaveError(undefined);
    try {
      await save.mutateAsync({ companyInfo });
    } catch (e) {
      applyApiErrors(e, 'companyInfo', setError);
      setSaveError(e);
    }
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Company info">
      <Stack>
        <Title order={2}>Company info</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextField control={control} name="name" label="Company name" />
          <TextField control={control} name="registrationNumber" label="Registration number" />
          <TextField control={control} name="vatNumber" label="VAT number" />
        </SimpleGrid>
        <Fieldset legend="Address">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextField control={control} name="address.line1" label="Address line 1" />
            <TextField control={control} name="address.line2" label="Address line 2" />
            <TextField control={control} name="address.postcode" label="Postcode" />
            <TextField control={control} name="address.city" label="City" />
            <TextField control={control} name="address.country" label="Country" description="ISO code, e.g. GB" />
          </SimpleGrid>
        </Fieldset>
        <SaveBar clientId={client.clientId} error={error} pending={save.isPending} />
      </Stack>
    </form>
  );
}
