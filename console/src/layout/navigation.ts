import { ROUTE_ACCESS, mayCall } from '../../../shared/auth/route-access';
import { AGENCY_ROLES, type Role } from '../../../shared/auth/roles';

export interface NavItem {
  label: string;
  /** Where the link goes; `$clientId` is the person's own client. */
  to: string;
  /** The API route the page lists from: the link shows only when the role may call it. */
  route: string;
}

const AGENCY_NAV: NavItem[] = [
  { label: 'Clients', to: '/clients', route: 'GET /clients' },
  { label: 'Cases', to: '/cases', route: 'GET /clients/{clientId}/cases' },
  { label: 'Imports', to: '/imports', route: 'GET /clients/{clientId}/imports' },
  { label: 'Business entities', to: '/business-entities', route: 'GET /business-entities' },
  { label: 'Users', to: '/users', route: 'GET /users' },
  { label: 'Tickets', to: '/tickets', route: 'GET /tickets' },
  { label: 'Operations', to: '/operations', route: 'GET /operations' },
];

/** A client's people: their own client's page instead of the list of clients. */
const CLIENT_NAV: NavItem[] = [
  { label: 'Clients', to: '/clients/$clientId', route: 'GET /clients/{clientId}' },
  { label: 'Cases', to: '/cases', route: 'GET /clients/{clientId}/cases' },
  { label: 'Imports', to: '/imports', route: 'GET /clients/{clientId}/imports' },
];

/**
 * The route-by-role table decides (shared/auth/route-access.ts). A route the table does not list
 * yet is treated as the agency's, so a page never shows to a role the API would refuse.
 */
export function mayUse(role: Role, route: string): boolean {
  return route in ROUTE_ACCESS ? mayCall(role, route) : AGENCY_ROLES.includes(role);
}

export function navigationFor(role: Role): NavItem[] {
  return (AGENCY_ROLES.includes(role) ? AGENCY_NAV : CLIENT_NAV).filter((item) => mayUse(role, item.route));
}

export const ROLE_LABELS: Record<Role, string> = {
  agency_admin: 'Agency admin',
  agency_operator: 'Agency operator',
  client_operational_lead: 'Operational lead',
  client_commercial_lead: 'Commercial lead',
  client_viewer: 'Viewer',
};
