import { Title } from '@mantine/core';

export function BusinessEntitiesPage() { return <Title order={1}>Business entities</Title>; }
