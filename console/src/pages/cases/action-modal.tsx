import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useForm, type FieldValues, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import { api } from '../../api/client';
import { showApiError } from '../../forms/api-errors';

/**
 * One case action: a modal with a form checked by the API's own body schema
 * (shared/schemas/case-actions.ts); the API's refusal (a 409 in the case's phase) shown in words.
 */
export function ActionModal<S extends z.ZodType<FieldValues, FieldValues>>(props: {
  caseId: string;
  title: string;
  /** The route under the case: payments, payment-plan, hold, release, settle, close. */
  action: string;
  schema: S;
  defaults: z.input<S>;
  fields: readonly string[];
  submitLabel: string;
  opened: boolean;
  onClose(): void;
  children(form: UseFormReturn<z.input<S>, unknown, z.output<S>>): ReactNode;
}) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string>();
  const form = useForm<z.input<S>, unknown, z.output<S>>({ resolver: zodResolver(props.schema as never) as never, defaultValues: props.defaults as never });
  const run = useMutation({
    mutationFn: (body: z.output<S>) => api.post(`/cases/${encodeURIComponent(props.caseId)}/${props.action}`, body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['case', props.caseId] });
      notifications.show({ color: 'green', message: `${props.title}: done` });
      form.reset();
      props.onClose();
    },
    onError: (e) => setProblem(showApiError(e, form.setError, props.fields)),
  });
  const close = () => {
    setProblem(undefined);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={close} title={props.title}>
      <form onSubmit={form.handleSubmit((v) => (setProblem(undefined), run.mutate(v)))} noValidate>
        <Stack>
          {props.children(form)}
          {problem && (
            <Alert color="red" title="Refused" role="alert">
              {problem}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={run.isPending}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
