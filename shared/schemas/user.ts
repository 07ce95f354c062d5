import { z } from 'zod';
import { isClientRole, roleSchema } from '../auth/roles';
import { pageQuerySchema } from './api';
import { emailSchema } from './common';

const nameSchema = z.string().trim().min(1, 'is required').max(200);

/** `POST /users`: a person invited to sign in. A client role names its one client; an agency role names none. */
export const newUserSchema = z
  .object({
    email: emailSchema.transform((e) => e.toLowerCase()),
    name: nameSchema,
    role: roleSchema,
    clientId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (isClientRole(u.role) && !u.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: `is required for role ${u.role}: the client whose data the user reaches` });
    if (!isClientRole(u.role) && u.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: `must be absent for role ${u.role}: agency users reach every client` });
  });
export type NewUser = z.infer<typeof newUserSchema>;

/** `PATCH /users/{userId}` (JSON Merge Patch of these fields; `version` for optimistic locking). */
export const userPatchSchema = z
  .object({
    name: nameSchema.optional(),
    role: roleSchema.optional(),
    clientId: z.string().min(1).max(100).nullable().optional(),
    disabled: z.boolean().optional(),
    version: z.number().int().positive().optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

/** A user as the API shows it. */
export const userSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  clientId: z.string().optional(),
  disabled: z.boolean(),
  disabledAt: z.string().optional(),
  createdBy: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** `GET /users?clientId=&limit=&cursor=`: every user, or one client's. */
export const userListQuerySchema = pageQuerySchema.extend({ clientId: z.string().min(1).optional() }).strict();

/** `GET /me`: who the credential stands for, and `label`, how the timeline names it. */
export const meSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: z.string(), email: z.string(), name: z.string(), role: roleSchema, clientId: z.string().optional(), label: z.string() }),
  z.object({ kind: z.literal('client'), clientId: z.string(), keyId: z.string(), label: z.string() }).describe("a client's API key"),
  z.object({ kind: z.literal('admin'), label: z.string() }).describe('the admin token'),
]);
