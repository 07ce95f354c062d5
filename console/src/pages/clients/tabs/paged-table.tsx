import { Alert, Button, Group, Loader, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, ApiError } from '../../../api/client';
import { isMissingRoute } from './api-errors';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** A list route of the API (`{ items, cursor }`) as a table, a page at a time. */
export function PagedTable<T>({ queryKey, path, query, columns, rowKey, caption, missing }: { queryKey: unknown[]; path: string; query?: Record<string, string | number | undefined>; columns: Column<T>[]; rowKey: (row: T) => string; caption: string; missing?: string }) {
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => api.get<{ items: T[]; cursor?: string }>(path, { ...query, limit: 50, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.cursor,
    retry: (n, e) => !isMissingRoute(e) && n < 2,
  });
  if (q.isPending) return <Loader aria-label="Loading" />;
  if (q.error) {
    if (isMissingRoute(q.error) && missing) return <Alert color="gray">{missing}</Alert>;
    return (
      <Alert color="red" role="alert">
        {q.error instanceof ApiError ? q.error.message : String(q.error)}
      </Alert>
    );
  }
  const rows = q.data.pages.flatMap((p) => p.items);
  return (
    <>
      <Table.ScrollContainer minWidth={600}>
        <Table striped>
          <Table.Caption>{caption}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c.header}>{c.header}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={rowKey(r)}>
                {columns.map((c) => (
                  <Table.Td key={c.header}>{c.cell(r)}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {rows.length === 0 ? <Text>Nothing yet.</Text> : null}
      {q.hasNextPage ? (
        <Group>
          <Button variant="light" loading={q.isFetchingNextPage} onClick={() => q.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}
    </>
  );
}
