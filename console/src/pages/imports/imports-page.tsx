import { Title } from '@mantine/core';

export function ImportsPage() { return <Title order={1}>Imports</Title>; }
