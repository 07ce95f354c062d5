import { AppShell, Badge, Button, Group, Text, Title, UnstyledButton } from '@mantine/core';
import { Link, Outlet } from '@tanstack/react-router';
import { useSession } from '../auth/session';
import { ROLE_LABELS, navigationFor } from './navigation';
import classes from './app-shell.module.css';

/** The signed-in frame: top navigation limited to what the role may do, who is signed in, sign out. */
export function SignedInShell() {
  const { me, signOut } = useSession();
  const items = navigationFor(me.role);
  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Title order={2} size="h4" c="indigo.9">
              Recoup
            </Title>
            <nav aria-label="Main">
              <Group gap="xs" wrap="nowrap">
                {items.map((item) => (
                  <UnstyledButton
                    key={item.label}
                    component={Link}
                    to={item.to.replace('$clientId', encodeURIComponent(me.clientId ?? ''))}
                    className={classes.link}
                    activeProps={{ 'aria-current': 'page', 'data-active': true }}
                    activeOptions={{ exact: false }}
                  >
                    {item.label}
                  </UnstyledButton>
                ))}
              </Group>
            </nav>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="sm">
              {me.name || me.email}
            </Text>
            <Badge variant="light" color="indigo" aria-label={`Role: ${ROLE_LABELS[me.role]}`}>
              {ROLE_LABELS[me.role]}
            </Badge>
            <Button variant="subtle" size="compact-sm" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
