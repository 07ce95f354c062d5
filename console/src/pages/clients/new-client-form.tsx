import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { api } from '../../api/client';
import { showApiError } from '../../forms/api-errors';
import { clientInputSchema, financesSchema } from '../../../../shared/schemas/client';

/** The API's own field rules (shared/schemas/client.ts) for the fields a new client starts with. */
const newClientSchema = z.strictObject({
  companyInfo: clientInputSchema.shape.companyInfo.pick({ name: true, registrationNumber: true, vatNumber: true }),
  finances: z.strictObject({ currency: financesSchema.shape.currency }),
});
type NewClient = z.input<typeof newClientSchema>;
const FIELDS = ['companyInfo.name', 'companyInfo.registrationNumber', 'companyInfo.vatNumber', 'finances.currency'] as const;

export function NewClientForm({ onCreated }: { onCreated(): void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<string>();
  const form = useForm<NewClient>({ resolver: zodResolver(newClientSchema), defaultValues: { companyInfo: { name: '' }, finances: { currency: 'EUR' } } });
  const create = useMutation({
    mutationFn: (body: NewClient) => api.post<{ clientId: string; companyInfo: { name: string } }>('/clients', dropEmpty(body)),
    onSuccess: async (c) => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      notifications.show({ color: 'green', message: `Client ${c.companyInfo.name} created` });
      onCreated();
      void navigate({ to: '/clients/$clientId', params: { clientId: c.clientId } });
    },
    onError: (e) => setProblem(showApiError(e, form.setError, FIELDS)),
  });
  const err = form.formState.errors;
  return (
    <form onSubmit={form.handleSubmit((v) => (setProblem(undefined), create.mutate(v)))} noValidate>
      <Stack>
        <TextInput label="Name" required {...form.register('companyInfo.name')} error={err.companyInfo?.name?.message} />
        <TextInput label="Registration number" {...form.register('companyInfo.registrationNumber')} error={err.companyInfo?.registrationNumber?.message} />
        <TextInput label="VAT number" {...form.register('companyInfo.vatNumber')} error={err.companyInfo?.vatNumber?.message} />
        <TextInput label="Currency" description="ISO 4217, e.g. EUR" required {...form.register('finances.currency')} error={err.finances?.currency?.message} />
        {problem && (
          <Alert color="red" title="The client was not created" role="alert">
            {problem}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={create.isPending}>
            Create client
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Empty optional fields are left out, not sent as "". */
function dropEmpty(body: NewClient): NewClient {
  const info = Object.fromEntries(Object.entries(body.companyInfo).filter(([, v]) => v !== '' && v !== undefined)) as NewClient['companyInfo'];
  return { ...body, companyInfo: info };
}
