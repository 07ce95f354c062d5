import { NumberInput, Select, Switch, TextInput, Textarea } from '@mantine/core';
import { useController, type Control, type FieldValues, type Path } from 'react-hook-form';

/**
 * Form fields bound to react-hook-form. Empty text is `undefined` (an optional field left out),
 * and numbers are not clamped by the input: the zod schema refuses a bad value with its own message.
 */
interface FieldProps<T extends FieldValues> {
  control: Control<T>;
  name: Path<T>;
  label: string;
  description?: string;
}

export function NumberField<T extends FieldValues>({ control, name, label, description, step }: FieldProps<T> & { step?: number }) {
  const { field, fieldState } = useController({ control, name });
  return (
    <NumberInput
      label={label}
      description={description}
      name={field.name}
      ref={field.ref}
      value={(field.value as number | undefined) ?? ''}
      onBlur={field.onBlur}
      onChange={(v) => field.onChange(v === '' || v === undefined ? undefined : typeof v === 'number' ? v : Number(v))}
      clampBehavior="none"
      step={step}
      allowDecimal
      error={fieldState.error?.message}
    />
  );
}

export function TextField<T extends FieldValues>({ control, name, label, description, multiline }: FieldProps<T> & { multiline?: boolean }) {
  const { field, fieldState } = useController({ control, name });
  const Input = multiline ? Textarea : TextInput;
  return (
    <Input
      label={label}
      description={description}
      name={field.name}
      ref={field.ref}
      value={(field.value as string | undefined) ?? ''}
      onBlur={field.onBlur}
      onChange={(e: { currentTarget: { value: string } }) => field.onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      error={fieldState.error?.message}
      autosize={multiline ? true : undefined}
      minRows={multiline ? 2 : undefined}
    />
  );
}

export function SwitchField<T extends FieldValues>({ control, name, label, description }: FieldProps<T>) {
  const { field, fieldState } = useController({ control, name });
  return <Switch label={label} description={description} name={field.name} ref={field.ref} checked={Boolean(field.value)} onBlur={field.onBlur} onChange={(e) => field.onChange(e.currentTarget.checked)} error={fieldState.error?.message} />;
}

export function SelectField<T extends FieldValues>({ control, name, label, description, data, clearable }: FieldProps<T> & { data: { value: string; label: string }[]; clearable?: boolean }) {
  const { field, fieldState } = useController({ control, name });
  return (
    <Select
      label={label}
      description={description}
      name={field.name}
      ref={field.ref}
      data={data}
      clearable={clearable}
      value={(field.value as string | undefined) ?? null}
      onBlur={field.onBlur}
      onChange={(v) => field.onChange(v ?? undefined)}
      error={fieldState.error?.message}
    />
  );
}
