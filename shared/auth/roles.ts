import { z } from 'zod';

/**
 * The five roles of a person who signs in. Agency roles reach every client; client roles reach
 * one client (the user's `clientId`), and another client's data is, to them, as if it did not exist.
 */
export const ROLES = ['agency_admin', 'agency_operator', 'client_operational_lead', 'client_commercial_lead', 'client_viewer'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

export const AGENCY_ROLES: readonly Role[] = ['agency_admin', 'agency_operator'];
export const CLIENT_ROLES: readonly Role[] = ['client_operational_lead', 'client_commercial_lead', 'client_viewer'];

export const isClientRole = (role: Role): boolean => CLIENT_ROLES.includes(role);

/** A client's contact role (client body) and the user role that gives that contact platform access. */
export const CONTACT_ROLE_TO_USER_ROLE = {
  operational_lead: 'client_operational_lead',
  commercial_lead: 'client_commercial_lead',
  viewer: 'client_viewer',
} as const satisfies Record<string, Role>;
