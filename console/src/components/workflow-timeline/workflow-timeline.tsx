import { ActionIcon, Button, Group, NumberInput, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { NODE_TYPES, PLAN_EVENTS, type NodeType, type PlanEvent, type PlanNode, type TimedNode, type WorkflowKind } from '../../../../shared/schemas/workflow';
import { DayAxis } from './day-axis';
import { CHANNEL_LABEL, EVENT_LABEL, KIND_LABEL } from './workflow-labels';

type AnyNode = TimedNode | PlanNode;

export interface WorkflowTimelineProps {
  kind: WorkflowKind;
  nodes: AnyNode[];
  onChange(nodes: AnyNode[]): void;
  /** Template names to pick from (the client's, its entity's and the built-in ones). */
  templateNames: string[];
  /** Shown for the payment plan: the reminder period before each instalment. */
  reminderDays?: number;
  /** The node whose template is being previewed. */
  onPreview?(node: AnyNode): void;
  /** API refusals by node index. */
  errors?: Record<number, string>;
}

const isPlan = (kind: WorkflowKind) => kind === 'paymentPlan';

/** One workflow kind's nodes: drawn on a line of days (or of plan events) and edited in place. */
export function WorkflowTimeline({ kind, nodes, onChange, templateNames, reminderDays, onPreview, errors = {} }: WorkflowTimelineProps) {
  const label = KIND_LABEL[kind];
  const set = (i: number, change: Partial<AnyNode>) => onChange(nodes.map((n, j) => (j === i ? ({ ...n, ...change } as AnyNode) : n)));
  const add = () => {
    const lastDay = Math.max(-1, ...nodes.map((n) => ('afterDays' in n ? n.afterDays : -1)));
    onChange([...nodes, isPlan(kind) ? { type: 'email', on: 'reminder', template: templateNames[0] } : { type: 'email', afterDays: lastDay + 1, template: templateNames[0] }] as AnyNode[]);
  };
  const templateData = [...new Set(templateNames)].map((t) => ({ value: t, label: t }));
  return (
    <Stack gap="xs">
      <Title order={3}>{label}</Title>
      {isPlan(kind) ? (
        <Text size="sm">
          Plan nodes fire on plan events; reminders go {reminderDays ?? 0} days before each instalment's due date. With no nodes, a built-in reminder and late notice are emailed.
        </Text>
      ) : (
        <DayAxis label={`${label} timeline`} marks={(nodes as TimedNode[]).map((n) => ({ day: n.afterDays, label: CHANNEL_LABEL[n.type], tone: 'send' }))} />
      )}
      {nodes.map((n, i) => {
        const name = `${label} node ${i + 1}`;
        return (
          <Group key={i} align="flex-end" wrap="wrap">
            <Select label={`${name} channel`} data={NODE_TYPES.map((t) => ({ value: t, label: CHANNEL_LABEL[t] }))} value={n.type} allowDeselect={false} onChange={(v) => v && set(i, { type: v as NodeType })} w={170} />
            {'on' in n ? (
              <Select label={`${name} event`} data={PLAN_EVENTS.map((e) => ({ value: e, label: EVENT_LABEL[e] }))} value={n.on} allowDeselect={false} onChange={(v) => v && set(i, { on: v as PlanEvent })} w={230} />
            ) : (
              <NumberInput label={`${name} day`} value={n.afterDays} min={0} clampBehavior="none" allowDecimal={false} onChange={(v) => set(i, { afterDays: typeof v === 'number' ? v : Number(v) || 0 })} w={110} />
            )}
            {n.type === 'call' ? null : (
              <Select label={`${name} template`} data={templateData} value={n.template ?? null} clearable={n.type === 'ticket'} searchable onChange={(v) => set(i, { template: v ?? undefined })} w={200} error={errors[i]} />
            )}
            {n.type === 'ticket' ? <TextInput label={`${name} title`} value={n.title ?? ''} onChange={(e) => set(i, { title: e.currentTarget.value || undefined })} w={220} /> : null}
            {n.template && onPreview ? (
              <Button variant="subtle" onClick={() => onPreview(n)} aria-label={`Preview ${name}`}>
                Preview
              </Button>
            ) : null}
            <ActionIcon variant="subtle" color="red" size="lg" aria-label={`Remove ${name}`} onClick={() => onChange(nodes.filter((_, j) => j !== i))}>
              ✕
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button variant="light" onClick={add} aria-label={`Add node to ${label}`}>
          Add node
        </Button>
      </Group>
    </Stack>
  );
}
