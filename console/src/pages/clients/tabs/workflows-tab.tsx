import { Alert, Button, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../../api/client';
import { DayAxis } from '../../../components/workflow-timeline/day-axis';
import { CHANNEL_LABEL } from '../../../components/workflow-timeline/workflow-labels';
import { WorkflowTimeline } from '../../../components/workflow-timeline/workflow-timeline';
import { TemplatePreview } from '../../../components/template-preview/template-preview';
import { BUILTIN_TEMPLATE_NAMES } from '../../../../../shared/domain/templates';
import type { BusinessEntity } from '../../../../../shared/schemas/business-entity';
import type { Client } from '../../../../../shared/schemas/client';
import { WORKFLOW_KINDS, type NodeType, type Workflows } from '../../../../../shared/schemas/workflow';
import { detailsUnder, isStaleVersion } from './api-errors';
import { SaveBar } from './save-bar';
import { useSaveClient } from './use-client';

/** Timed nodes in day order (a node moved to another day takes its place on the line). */
function ordered(w: Workflows): Workflows {
  const byDay = <T extends { afterDays: number }>(nodes: T[]) => [...nodes].sort((a, b) => a.afterDays - b.afterDays);
  return { ...w, breathingSpace: byDay(w.breathingSpace), mainOutreach: byDay(w.mainOutreach), onHold: byDay(w.onHold), retry: byDay(w.retry) };
}

export function WorkflowsEditor({ client, entity, onSave }: { client: Client; entity?: BusinessEntity; onSave: (workflows: Workflows) => Promise<unknown> }) {
  const [draft, setDraft] = useState<Workflows>(() => structuredClone(client.workflows));
  const [preview, setPreview] = useState<{ template: string; channel: NodeType; plan: boolean }>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const settings = client.settings.workflow;
  const templateNames = [...Object.keys(client.templates ?? {}), ...Object.keys(entity?.templates ?? {}), ...BUILTIN_TEMPLATE_NAMES];
  const nodeErrors = (kind: string): Record<number, string> => {
    const out: Record<number, string> = {};
    for (const d of detailsUnder(error, `workflows.${kind}`)) out[Number(d.path.split('.')[0])] = d.message;
    return out;
  };
  const offset = settings.breathingSpace.enabled ? settings.breathingSpace.days : 0;
  return (
    <form
      aria-label="Workflows"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setPending(true);
        try {
          await onSave(ordered(draft));
        } catch (err) {
          setError(err);
        } finally {
          setPending(false);
        }
      }}
    >
      <Stack>
        <Title order={2}>Workflows</Title>
        <Text size="sm">
          A new case {settings.breathingSpace.enabled ? `rests for ${settings.breathingSpace.days} days of breathing space, then` : ''} runs the main outreach; the day numbers below count from placement.
        </Text>
        <DayAxis
          label="Breathing space and main outreach, days since placement"
          span={settings.breathingSpace.enabled ? { from: 0, to: settings.breathingSpace.days, label: 'Breathing space' } : undefined}
          marks={[
            ...(settings.breathingSpace.enabled ? draft.breathingSpace.map((n) => ({ day: n.afterDays, label: `${CHANNEL_LABEL[n.type]} (breathing space)`, tone: 'quiet' as const })) : []),
            ...draft.mainOutreach.map((n) => ({ day: offset + n.afterDays, label: CHANNEL_LABEL[n.type], tone: 'send' as const })),
          ]}
        />
        {WORKFLOW_KINDS.map((kind) => (
          <div key={kind}>
            <Divider my="sm" />
            <WorkflowTimeline
              kind={kind}
              nodes={draft[kind]}
              templateNames={templateNames}
              reminderDays={settings.paymentPlanReminderDays}
              errors={nodeErrors(kind)}
              onChange={(nodes) => setDraft((d) => ({ ...d, [kind]: nodes }))}
              onPreview={(n) => n.template && setPreview({ template: n.template, channel: n.type, plan: kind === 'paymentPlan' })}
            />
          </div>
        ))}
        {preview ? (
          <Stack gap="xs">
            <TemplatePreview client={client} entity={entity} name={preview.template} channel={preview.channel} planMessage={preview.plan} />
            <Group>
              <Button variant="subtle" onClick={() => setPreview(undefined)}>
                Close preview
              </Button>
            </Group>
          </Stack>
        ) : null}
        {error && !isStaleVersion(error) && !(error instanceof ApiError) ? <Alert color="red">{String(error)}</Alert> : null}
        <SaveBar clientId={client.clientId} error={error} pending={pending} label="Save workflows" />
      </Stack>
    </form>
  );
}

export function WorkflowsTab({ client }: { client: Client }) {
  const save = useSaveClient(client);
  const entityId = client.settings.businessEntityId;
  const entity = useQuery({ queryKey: ['business-entity', entityId], queryFn: () => api.get<BusinessEntity>(`/business-entities/${encodeURIComponent(entityId!)}`), enabled: Boolean(entityId), retry: false });
  return <WorkflowsEditor key={`${client.version}-${entity.data?.version ?? 0}`} client={client} entity={entity.data} onSave={(workflows) => save.mutateAsync({ workflows })} />;
}
