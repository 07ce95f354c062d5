import { z } from 'zod';
import { templatesSchema } from './business-entity';
import { addressSchema, amountMinorSchema, currencySchema, emailSchema, recordMetaSchema } from './common';
import { workflowOverridesSchema, workflowSettingsSchema, workflowsSchema } from './workflow';

export const CONTACT_ROLES = ['operational_lead', 'commercial_lead', 'viewer'] as const;

export const contactSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  email: emailSchema,
  phone: z.string().max(30).optional(),
  role: z.enum(CONTACT_ROLES),
  /** Fine-grained permissions; the role implies sensible ones when absent. */
  permissions: z.array(z.enum(['view_cases', 'manage_cases', 'upload_imports', 'manage_settings', 'view_finances'])).optional(),
});

export const settingsSchema = z.object({
  businessEntityId: z.string().min(1).optional(),
  enrichment: z
    .object({
      intervalDays: z.number().int().min(1).max(365).default(30),
      attempts: z.number().int().min(0).max(10).default(2),
    })
    .prefault({}),
  import: z
    .object({
      newCasePerInvoice: z.boolean().default(false),
      matchOnClientCaseNumber: z.boolean().default(false),
      /** The client's own header names mapped onto ours, e.g. { "Customer": "debtor_name" }. */
      columnMap: z.record(z.string().min(1), z.string().min(1)).default({}),
    })
    .prefault({}),
  workflow: workflowSettingsSchema.prefault({}),
  debtorCommunication: z
    .object({
      emailOnClosePaidInFull: z.boolean().default(true),
      emailOnCloseSettlement: z.boolean().default(false),
      paidInFullTemplate: z.string().optional(),
      settlementTemplate: z.string().optional(),
    })
    .prefault({}),
});
export type ClientSettings = z.infer<typeof settingsSchema>;

export const costSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string().min(1).max(100), kind: z.literal('fixed'), amountMinor: amountMinorSchema.min(0) }),
  z.object({
    name: z.string().min(1).max(100),
    kind: z.literal('percentage'),
    /** Percent of the principal, e.g. 15 or 12.5. */
    percent: z.number().min(0).max(100),
  }),
]);
export type Cost = z.infer<typeof costSchema>;

export const financesSchema = z.object({
  currency: currencySchema.default('EUR'),
  costs: z.array(costSchema).max(20).default([]),
  interest: z
    .object({ annualRatePercent: z.number().min(0).max(100).default(0) })
    .prefault({}),
  commission: z
    .object({ percent: z.number().min(0).max(100).default(0) })
    .prefault({}),
});
export type Finances = z.infer<typeof financesSchema>;

export const portfolioSchema = z.object({
  name: z.string().trim().min(1).max(100),
  workflowOverrides: workflowOverridesSchema.default({}),
  /** Node lists that replace the client's for this portfolio's cases. */
  workflows: workflowsSchema.partial().optional(),
});
export type Portfolio = z.infer<typeof portfolioSchema>;

export const clientInputSchema = z.object({
  companyInfo: z.object({
    name: z.string().trim().min(1, 'is required').max(200),
    address: addressSchema.prefault({}),
    registrationNumber: z.string().max(50).optional(),
    vatNumber: z.string().max(50).optional(),
  }),
  contacts: z.array(contactSchema).max(50).default([]),
  settings: settingsSchema.prefault({}),
  finances: financesSchema.prefault({}),
  workflows: workflowsSchema.prefault({}),
  portfolios: z
    .array(portfolioSchema)
    .max(100)
    .default([])
    .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, { message: 'portfolio names must be unique' }),
  /** Name of the portfolio used when a row names none; the first portfolio, else client settings alone. */
  defaultPortfolio: z.string().optional(),
  /** Templates that add to or override the business entity's, by name. */
  templates: templatesSchema.default({}),
});
export type ClientInput = z.input<typeof clientInputSchema>;

export const clientSchema = clientInputSchema.extend({
  clientId: z.string(),
  ...recordMetaSchema.shape,
});
export type Client = z.infer<typeof clientSchema>;
