import { Title } from '@mantine/core';

export function OperationsPage() { return <Title order={1}>Operations</Title>; }
