import { Title } from '@mantine/core';

export function ClientsPage() { return <Title order={1}>Clients</Title>; }
