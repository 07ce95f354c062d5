import { Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';

// The charts library loads with this page only, never with the console's first page.
const OperationsCharts = lazy(() => import('./operations-charts'));

export function OperationsPage() {
  return (
    <Suspense fallback={<Loader aria-label="Loading" />}>
      <OperationsCharts />
    </Suspense>
  );
}
