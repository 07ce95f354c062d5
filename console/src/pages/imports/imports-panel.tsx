import { Text } from '@mantine/core';

export function ImportsPanel({ clientId }: { clientId: string }) { return <Text>Imports of {clientId}</Text>; }
