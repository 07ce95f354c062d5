import { Title } from '@mantine/core';

export function CasePage() { return <Title order={1}>Case</Title>; }
