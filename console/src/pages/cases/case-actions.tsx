import { Button, Group, NumberInput, Select, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { Controller, useFieldArray } from 'react-hook-form';
import { HOLD_REASONS } from '../../../../shared/schemas/case';
import { closeBodySchema, holdBodySchema, paymentBodySchema, planBodySchema, releaseBodySchema, settleBodySchema } from '../../../../shared/schemas/case-actions';
import { parseMoney } from '../../format/money';
import { ActionModal } from './action-modal';

type Action = 'payment' | 'plan' | 'hold' | 'release' | 'settle' | 'close';

/** The contract's case actions, each a button opening a form that asks only for what it needs. */
export function CaseActions({ caseId, currency, outstandingMinor, mayAct }: { caseId: string; currency: string; outstandingMinor: number; mayAct: boolean }) {
  const [open, setOpen] = useState<Action>();
  const close = () => setOpen(undefined);
  // The amount typed in the currency's units, kept by the form as integer minor units.
  const money = { setValueAs: (v: unknown) => (typeof v === 'number' ? v : parseMoney(String(v ?? ''), currency) ?? Number.NaN) };
  const outstanding = (outstandingMinor / 100).toFixed(2);
  if (!mayAct) return null;
  return (
    <>
      <Group gap="xs">
        <Button onClick={() => setOpen('payment')}>Record payment</Button>
        <Button variant="light" onClick={() => setOpen('plan')}>Agree payment plan</Button>
        <Button variant="light" onClick={() => setOpen('hold')}>Put on hold</Button>
        <Button variant="light" onClick={() => setOpen('release')}>Release</Button>
        <Button variant="light" onClick={() => setOpen('settle')}>Settle</Button>
        <Button variant="light" color="red" onClick={() => setOpen('close')}>Close case</Button>
      </Group>

      <ActionModal caseId={caseId} title="Record payment" action="payments" schema={paymentBodySchema} defaults={{ amountMinor: outstandingMinor }} fields={['amountMinor', 'method', 'reference']} submitLabel="Record" opened={open === 'payment'} onClose={close}>
        {(f) => (
          <>
            <TextInput label={`Amount (${currency})`} defaultValue={outstanding} {...f.register('amountMinor', money)} error={f.formState.errors.amountMinor?.message} />
            <TextInput label="Method" placeholder="bank_transfer" {...f.register('method', { setValueAs: emptyToUndefined })} error={f.formState.errors.method?.message} />
            <TextInput label="Reference" {...f.register('reference', { setValueAs: emptyToUndefined })} error={f.formState.errors.reference?.message} />
          </>
        )}
      </ActionModal>

      <ActionModal caseId={caseId} title="Agree payment plan" action="payment-plan" schema={planBodySchema} defaults={{ installments: [{ dueDate: '', amountMinor: 0 }] }} fields={[]} submitLabel="Agree plan" opened={open === 'plan'} onClose={close}>
        {(f) => <PlanFields form={f} currency={currency} />}
      </ActionModal>

      <ActionModal caseId={caseId} title="Put on hold" action="hold" schema={holdBodySchema} defaults={{ reason: 'dispute' }} fields={['reason', 'note']} submitLabel="Put on hold" opened={open === 'hold'} onClose={close}>
        {(f) => (
          <>
            <Controller control={f.control} name="reason" render={({ field, fieldState }) => <Select label="Reason" data={HOLD_REASONS.map((r) => ({ value: r, label: r }))} value={field.value} onChange={(v) => field.onChange(v)} error={fieldState.error?.message} allowDeselect={false} />} />
            <Textarea label="Note" {...f.register('note', { setValueAs: emptyToUndefined })} error={f.formState.errors.note?.message} />
          </>
        )}
      </ActionModal>

      <ActionModal caseId={caseId} title="Release" action="release" schema={releaseBodySchema} defaults={{}} fields={['resumeTo']} submitLabel="Release" opened={open === 'release'} onClose={close}>
        {(f) => (
          <Controller
            control={f.control}
            name="resumeTo"
            render={({ field, fieldState }) => (
              <Select label="Resume to" placeholder="Where the case was" clearable data={[{ value: 'outreach', label: 'Outreach' }, { value: 'payment_plan', label: 'Payment plan' }]} value={field.value ?? null} onChange={(v) => field.onChange(v ?? undefined)} error={fieldState.error?.message} />
            )}
          />
        )}
      </ActionModal>

      <ActionModal caseId={caseId} title="Settle" action="settle" schema={settleBodySchema} defaults={{ amountMinor: 0 }} fields={['amountMinor']} submitLabel="Agree settlement" opened={open === 'settle'} onClose={close}>
        {(f) => <TextInput label={`Settlement amount (${currency})`} {...f.register('amountMinor', money)} error={f.formState.errors.amountMinor?.message} />}
      </ActionModal>

      <ActionModal caseId={caseId} title="Close case" action="close" schema={closeBodySchema} defaults={{ reason: 'withdrawn' }} fields={['reason', 'note']} submitLabel="Close case" opened={open === 'close'} onClose={close}>
        {(f) => (
          <>
            <Controller control={f.control} name="reason" render={({ field, fieldState }) => <Select label="Reason" data={[{ value: 'withdrawn', label: 'Withdrawn by the client' }, { value: 'written_off', label: 'Written off' }]} value={field.value} onChange={(v) => field.onChange(v)} error={fieldState.error?.message} allowDeselect={false} />} />
            <Textarea label="Note" {...f.register('note', { setValueAs: emptyToUndefined })} error={f.formState.errors.note?.message} />
          </>
        )}
      </ActionModal>
    </>
  );
}

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

function PlanFields({ form, currency }: { form: any; currency: string }) {
  const { fields, append, remove } = useFieldArray({ control: form.control, name: 'installments' });
  const errors = form.formState.errors.installments;
  return (
    <>
      {fields.map((field, i) => (
        <Group key={field.id} align="flex-end">
          <TextInput type="date" label={`Instalment ${i + 1} due`} {...form.register(`installments.${i}.dueDate`)} error={errors?.[i]?.dueDate?.message} />
          <NumberInput
            label={`Amount (${currency})`}
            decimalScale={2}
            min={0}
            onChange={(v) => form.setValue(`installments.${i}.amountMinor`, Math.round(Number(v) * 100))}
            error={errors?.[i]?.amountMinor?.message}
          />
          {fields.length > 1 && (
            <Button variant="subtle" onClick={() => remove(i)}>
              Remove
            </Button>
          )}
        </Group>
      ))}
      {errors?.message && <div role="alert">{errors.message}</div>}
      <Group>
        <Button variant="light" onClick={() => append({ dueDate: '', amountMinor: 0 })}>
          Add instalment
        </Button>
      </Group>
    </>
  );
}
