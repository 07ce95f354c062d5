import { Title } from '@mantine/core';

export function CasesPage() { return <Title order={1}>Cases</Title>; }
