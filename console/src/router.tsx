import { createRootRouteWithContext, createRoute, createRouter, notFound, redirect } from '@tanstack/react-router';
import { isClientRole } from '../../shared/auth/roles';
import type { Me } from './auth/session';
import { SignedInShell } from './layout/app-shell';
import { mayUse } from './layout/navigation';
import { BusinessEntitiesPage } from './pages/business-entities/business-entities-page';
import { CasePage } from './pages/cases/case-page';
import { CasesPage } from './pages/cases/cases-page';
import { ClientPage } from './pages/clients/client-page';
import { ClientsPage } from './pages/clients/clients-page';
import { ImportsPage } from './pages/imports/imports-page';
import { NotFoundPage } from './pages/not-found-page';
import { OperationsPage } from './pages/operations/operations-page';
import { TicketsPage } from './pages/tickets/tickets-page';
import { UsersPage } from './pages/users/users-page';

export interface RouterContext {
  me: Me;
}

/** The client page's tabs, in the contract's order (the last four once the client has cases). */
export const CLIENT_TABS = ['company-info', 'contacts', 'settings', 'finances', 'workflows', 'portfolios', 'cases', 'invoices', 'imports', 'communications', 'results'] as const;
export type ClientTab = (typeof CLIENT_TABS)[number];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const rootRoute = createRootRouteWithContext<RouterContext>()({ component: SignedInShell, notFoundComponent: NotFoundPage });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    if (isClientRole(context.me.role) && context.me.clientId) throw redirect({ to: '/clients/$clientId', params: { clientId: context.me.clientId } });
    throw redirect({ to: '/clients' });
  },
});

/**
 * A page whose list the role may not read is not there for it (as the API answers another
 * client's data), rather than a page of refusals; the navigation never links to it.
 */
const onlyFor =
  (route: string) =>
  ({ context }: { context: RouterContext }) => {
    if (!mayUse(context.me.role, route)) throw notFound();
  };

const clientsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/clients',
  // A client's people have one client: "Clients" is its page.
  beforeLoad: ({ context }) => {
    if (isClientRole(context.me.role) && context.me.clientId) throw redirect({ to: '/clients/$clientId', params: { clientId: context.me.clientId } });
    onlyFor('GET /clients')({ context });
  },
  validateSearch: (s: Record<string, unknown>): { q?: string } => ({ q: str(s.q) }),
  component: ClientsPage,
});

const clientRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/clients/$clientId',
  validateSearch: (s: Record<string, unknown>): { tab?: ClientTab } => ({
    tab: CLIENT_TABS.includes(s.tab as ClientTab) ? (s.tab as ClientTab) : undefined,
  }),
  component: ClientPage,
});

export interface CasesSearch {
  clientId?: string;
  phase?: string;
  portfolio?: string;
  q?: string;
}
const casesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/cases',
  validateSearch: (s: Record<string, unknown>): CasesSearch => ({ clientId: str(s.clientId), phase: str(s.phase), portfolio: str(s.portfolio), q: str(s.q) }),
  component: CasesPage,
});

const caseRoute = createRoute({ getParentRoute: () => rootRoute, path: '/cases/$caseId', component: CasePage });

const importsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/imports',
  validateSearch: (s: Record<string, unknown>): { clientId?: string } => ({ clientId: str(s.clientId) }),
  component: ImportsPage,
});

const businessEntitiesRoute = createRoute({ getParentRoute: () => rootRoute, path: '/business-entities', beforeLoad: onlyFor('GET /business-entities'), component: BusinessEntitiesPage });
const usersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/users', beforeLoad: onlyFor('GET /users'), component: UsersPage });
const ticketsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/tickets', beforeLoad: onlyFor('GET /tickets'), component: TicketsPage });
const operationsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/operations', beforeLoad: onlyFor('GET /operations'), component: OperationsPage });

const routeTree = rootRoute.addChildren([
  indexRoute,
  clientsRoute,
  clientRoute,
  casesRoute,
  caseRoute,
  importsRoute,
  businessEntitiesRoute,
  usersRoute,
  ticketsRoute,
  operationsRoute,
]);

export function createAppRouter(me: Me, opts: { history?: Parameters<typeof createRouter>[0]['history'] } = {}) {
  return createRouter({ routeTree, context: { me }, defaultPreload: 'intent', history: opts.history });
}

export type AppRouter = ReturnType<typeof createAppRouter>;

declare module '@tanstack/react-router' {
  interface Register {
    router: AppRouter;
  }
}
