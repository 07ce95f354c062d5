import { Title } from '@mantine/core';

export function TicketsPage() { return <Title order={1}>Tickets</Title>; }
