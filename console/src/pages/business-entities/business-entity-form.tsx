import { ActionIcon, Button, Card, Fieldset, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useFieldArray, useForm, useWatch } from 'react-hook-form';
import { z } from 'zod';
import { TemplatePreview } from '../../components/template-preview/template-preview';
import { businessEntityInputSchema, templateNameSchema, templateSchema, type BusinessEntity } from '../../../../shared/schemas/business-entity';
import type { Client } from '../../../../shared/schemas/client';
import type { NodeType } from '../../../../shared/schemas/workflow';
import { NumberField, TextField } from '../clients/tabs/fields';

/** The entity body with its templates as a list (name + parts), so each can be edited, added and removed. */
const formSchema = businessEntityInputSchema.omit({ templates: true }).extend({
  templateList: z
    .array(z.strictObject({ name: templateNameSchema, template: templateSchema }))
    .refine((ts) => new Set(ts.map((t) => t.name)).size === ts.length, { message: 'template names must be unique' }),
});
type In = z.input<typeof formSchema>;
type Out = z.output<typeof formSchema>;
export type EntityBody = z.output<typeof businessEntityInputSchema>;

const SAMPLE_CLIENT = { companyInfo: { name: 'Sample Client Ltd', address: {} }, finances: { currency: 'EUR' }, templates: {} } as unknown as Pick<Client, 'companyInfo' | 'finances' | 'templates'>;

export function toFormValues(e: Partial<BusinessEntity>): In {
  const { templates = {}, businessEntityId: _id, version: _v, createdAt: _c, updatedAt: _u, ...rest } = e;
  return { name: '', senderEmail: '', ...rest, templateList: Object.entries(templates).map(([name, template]) => ({ name, template })) } as In;
}

export function BusinessEntityForm({ entity, onSave, submitLabel }: { entity?: BusinessEntity; onSave: (body: EntityBody) => Promise<unknown>; submitLabel: string }) {
  const { control, handleSubmit, setError, formState } = useForm<In, unknown, Out>({ resolver: zodResolver(formSchema), defaultValues: toFormValues(entity ?? {}) });
  const templates = useFieldArray({ control, name: 'templateList' });
  const list = useWatch({ control, name: 'templateList' }) ?? [];
  const [preview, setPreview] = useState<{ index: number; channel: NodeType }>();
  const [error, setSaveError] = useState<string>();
  const submit = handleSubmit(async ({ templateList, ...rest }) => {
    setSaveError(undefined);
    try {
      await onSave({ ...rest, templates: Object.fromEntries(templateList.map((t) => [t.name, t.template])) });
    } catch (e) {
      for (const d of ((e as { details?: { field?: string; path?: string; message: string }[] }).details ?? [])) {
        const f = d.field ?? d.path ?? '';
        if (!f.includes('.') || f.startsWith('templates')) continue;
        setError(f as never, { type: 'server', message: d.message });
      }
      setSaveError((e as Error).message);
    }
  });
  const previewed = preview ? list[preview.index] : undefined;
  return (
    <form onSubmit={submit} noValidate aria-label={entity ? `Edit ${entity.name}` : 'New business entity'}>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextField control={control} name="name" label="Name" />
          <TextField control={control} name="senderEmail" label="Sender email" />
          <TextField control={control} name="replyTo" label="Reply-to email" />
          <TextField control={control} name="emailFooter" label="Email footer" multiline />
          <TextField control={control} name="invoiceSettings.prefix" label="Invoice prefix" />
          <NumberField control={control} name="invoiceSettings.paymentTermsDays" label="Payment terms (days)" />
        </SimpleGrid>
        <Fieldset legend="Address">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextField control={control} name="address.line1" label="Address line 1" />
            <TextField control={control} name="address.postcode" label="Postcode" />
            <TextField control={control} name="address.city" label="City" />
            <TextField control={control} name="address.country" label="Country" />
          </SimpleGrid>
        </Fieldset>
        <Title order={3}>Templates</Title>
        {formState.errors.templateList?.root?.message || formState.errors.templateList?.message ? <div role="alert">{formState.errors.templateList?.root?.message ?? formState.errors.templateList?.message}</div> : null}
        {templates.fields.map((f, i) => (
          <Card withBorder key={f.id}>
            <Group justify="space-between" align="flex-end">
              <TextField control={control} name={`templateList.${i}.name`} label={`Template ${i + 1} name`} />
              <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove template ${i + 1}`} onClick={() => templates.remove(i)}>
                ✕
              </ActionIcon>
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              <TextField control={control} name={`templateList.${i}.template.subject`} label={`Template ${i + 1} subject`} />
              <TextField control={control} name={`templateList.${i}.template.sms`} label={`Template ${i + 1} SMS`} multiline />
              <TextField control={control} name={`templateList.${i}.template.text`} label={`Template ${i + 1} email text`} multiline />
              <TextField control={control} name={`templateList.${i}.template.letter`} label={`Template ${i + 1} letter`} multiline />
            </SimpleGrid>
            {formState.errors.templateList?.[i]?.template?.root?.message || formState.errors.templateList?.[i]?.template?.message ? (
              <div role="alert">{formState.errors.templateList?.[i]?.template?.root?.message ?? formState.errors.templateList?.[i]?.template?.message}</div>
            ) : null}
            <Group mt="xs">
              {(['email', 'sms', 'letter'] as const).map((ch) => (
                <Button key={ch} size="xs" variant="subtle" onClick={() => setPreview({ index: i, channel: ch })} aria-label={`Preview template ${i + 1} as ${ch}`}>
                  Preview as {ch}
                </Button>
              ))}
            </Group>
            {preview?.index === i && previewed?.name ? (
              <TemplatePreview
                client={SAMPLE_CLIENT}
                entity={{ ...(entity ?? ({} as BusinessEntity)), templates: { [previewed.name]: previewed.template as BusinessEntity['templates'][string] } }}
                name={previewed.name}
                channel={preview.channel}
              />
            ) : null}
          </Card>
        ))}
        <Group>
          <Button variant="light" onClick={() => templates.append({ name: '', template: { subject: '', text: '' } })}>
            Add template
          </Button>
        </Group>
        {error ? <div role="alert">{error}</div> : null}
        <Group>
          <Button type="submit" loading={formState.isSubmitting}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

