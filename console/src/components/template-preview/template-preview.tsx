import { Alert, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { findTemplate, renderMessage } from '../../../../shared/domain/templates';
import type { BusinessEntity } from '../../../../shared/schemas/business-entity';
import type { Client } from '../../../../shared/schemas/client';
import type { NodeType } from '../../../../shared/schemas/workflow';
import { sampleMergeView } from './sample-case';

/**
 * A template rendered for a sample case with the renderer the sends use, so what shows here is
 * what a debtor would receive, and a template the send would refuse is refused here with its reason.
 */
export function TemplatePreview({ client, entity, name, channel, planMessage = false }: { client: Pick<Client, 'companyInfo' | 'finances' | 'templates'>; entity?: BusinessEntity; name: string; channel: NodeType; planMessage?: boolean }) {
  let body: React.ReactNode;
  try {
    const { template, source } = findTemplate(name, { client, entity });
    const message = renderMessage(template, channel, sampleMergeView(client, entity, { plan: planMessage, today: new Date().toISOString().slice(0, 10) }), name);
    body = (
      <Stack gap="xs">
        <Text size="sm">
          Template “{name}” ({source === 'client' ? "the client's" : source === 'entity' ? "the business entity's" : 'built-in'}) as a {channel} for a sample case:
        </Text>
        {message.subject ? (
          <Text fw={600}>
            Subject: <span>{message.subject}</span>
          </Text>
        ) : null}
        <Code block>{message.text}</Code>
      </Stack>
    );
  } catch (e) {
    body = (
      <Alert color="red" title="This template cannot be sent" role="alert">
        {(e as Error).message}
      </Alert>
    );
  }
  return (
    <Paper withBorder p="sm" aria-label={`Preview of ${name}`}>
      <Title order={4}>Preview</Title>
      {body}
    </Paper>
  );
}
