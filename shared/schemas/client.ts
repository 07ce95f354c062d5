import { z } from 'zod';
import { templatesSchema } from './business-entity';
import { addressSchema, boundedAmountMinorSchema, currencySchema, emailSchema, lineTextSchema, recordMetaSchema } from './common';
import { portfolioWorkflowsSchema, workflowOverridesSchema, workflowSettingsSchema, workflowsSchema } from './workflow';

export const CONTACT_ROLES = ['operational_lead', 'commercial_lead', 'viewer'] as const;

export const contactSchema = z.strictObject({
  name: lineTextSchema(200).min(1, 'is required'),
  email: emailSchema,
  phone: z.string().max(30).optional(),
  role: z.enum(CONTACT_ROLES),
  /** Fine-grained permissions; the role implies sensible ones when absent. */
  permissions: z.array(z.enum(['view_cases', 'manage_cases', 'upload_imports', 'manage_settings', 'view_finances'])).optional(),
});

export const settingsSchema = z.strictObject({
  businessEntityId: z.string().min(1).optional(),
  enrichment: z
    .strictObject({
      intervalDays: z.number().int().min(1).max(365).default(30),
      attempts: z.number().int().min(0).max(10).default(2),
    })
    .prefault({}),
  import: z
    .strictObject({
      newCasePerInvoice: z.boolean().default(false),
      matchOnClientCaseNumber: z.boolean().default(false),
      /** The client's own header names mapped onto ours, e.g. { "Customer": "debtor_name" }. */
      columnMap: z.record(z.string().min(1), z.string().min(1)).default({}),
    })
    .prefault({}),
  workflow: workflowSettingsSchema.prefault({}),
  debtorCommunication: z
    .strictObject({
      emailOnClosePaidInFull: z.boolean().default(true),
      emailOnCloseSettlement: z.boolean().default(false),
      paidInFullTemplate: z.string().optional(),
      settlementTemplate: z.string().optional(),
    })
    .prefault({}),
});
export type ClientSettings = z.infer<typeof settingsSchema>;

export const costSchema = z.discriminatedUnion('kind', [
  z.strictObject({ name: z.string().min(1).max(100), kind: z.literal('fixed'), amountMinor: boundedAmountMinorSchema }),
  z.strictObject({
    name: z.string().min(1).max(100),
    kind: z.literal('percentage'),
    /** Percent of the principal, e.g. 15 or 12.5. */
    percent: z.number().min(0).max(100),
  }),
]);
export type Cost = z.infer<typeof costSchema>;

/** How the agency bills the client: who receives its invoices, where, and on what terms. */
export const billingInfoSchema = z.strictObject({
  name: lineTextSchema(200).optional(),
  email: emailSchema.optional(),
  address: addressSchema.optional(),
  vatNumber: lineTextSchema(50).optional(),
  /** The client's own reference for the agency's invoices (a purchase order number). */
  reference: lineTextSchema(100).optional(),
  iban: z
    .string()
    .regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/, 'must be an IBAN in capitals without spaces, e.g. NL91ABNA0417164300')
    .optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  invoiceFrequency: z.enum(['monthly', 'quarterly']).optional(),
});
export type BillingInfo = z.infer<typeof billingInfoSchema>;

export const financesSchema = z.strictObject({
  currency: currencySchema.default('EUR'),
  costs: z.array(costSchema).max(20).default([]),
  interest: z
    .strictObject({ annualRatePercent: z.number().min(0).max(100).default(0) })
    .prefault({}),
  /** The commercial agreement: the agency's share of what it collects, and a floor per closed case. */
  commission: z
    .strictObject({
      percent: z.number().min(0).max(100).default(0),
      minimumPerCaseMinor: boundedAmountMinorSchema.optional(),
    })
    .prefault({}),
  billingInfo: billingInfoSchema.optional(),
  /** What one skip-trace attempt costs; each attempt is recorded on its case and summed per client. Absent: free. */
  enrichmentCostMinor: boundedAmountMinorSchema.optional(),
});
export type Finances = z.infer<typeof financesSchema>;

export const portfolioSchema = z.strictObject({
  name: lineTextSchema(100).min(1, 'is required'),
  workflowOverrides: workflowOverridesSchema.default({}),
  /** Node lists that replace the client's for this portfolio's cases. */
  workflows: portfolioWorkflowsSchema.optional(),
});
export type Portfolio = z.infer<typeof portfolioSchema>;

export const clientInputSchema = z.strictObject({
  companyInfo: z.strictObject({
    name: lineTextSchema(200).min(1, 'is required'),
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
