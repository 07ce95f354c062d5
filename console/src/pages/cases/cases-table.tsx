import { Text } from '@mantine/core';

export function CasesTable({ clientId }: { clientId: string }) { return <Text>Cases of {clientId}</Text>; }
