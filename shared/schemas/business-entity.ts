import { z } from 'zod';
import { addressSchema, emailSchema, lineTextSchema, recordMetaSchema } from './common';

/** A message template: subject + text for email, `sms` for SMS and voice scripts. Merge fields use `{{path}}`. */
export const templateSchema = z
  .strictObject({
    subject: z.string().max(300).optional(),
    text: z.string().max(20_000).optional(),
    html: z.string().max(100_000).optional(),
    sms: z.string().max(1_600).optional(),
    voice: z.string().max(3_000).optional(),
    letter: z.string().max(20_000).optional(),
  })
  .refine((t) => Object.values(t).some((v) => v !== undefined && v !== ''), {
    message: 'a template needs at least one of subject, text, html, sms, voice or letter',
  });
export type Template = z.infer<typeof templateSchema>;

export const templateNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-_]{0,63}$/, 'template names are lower-case letters, digits, - and _ (max 64)');

export const templatesSchema = z.record(templateNameSchema, templateSchema);

export const businessEntityInputSchema = z.strictObject({
  name: lineTextSchema(200).min(1, 'is required'),
  senderEmail: emailSchema,
  replyTo: emailSchema.optional(),
  address: addressSchema.prefault({}),
  emailFooter: z.string().max(2_000).default(''),
  invoiceSettings: z
    .strictObject({
      prefix: z.string().max(20).default(''),
      paymentTermsDays: z.number().int().min(0).max(365).default(14),
    })
    .prefault({}),
  templates: templatesSchema.default({}),
});
export type BusinessEntityInput = z.input<typeof businessEntityInputSchema>;

export const businessEntitySchema = businessEntityInputSchema.extend({
  businessEntityId: z.string(),
  ...recordMetaSchema.shape,
});
export type BusinessEntity = z.infer<typeof businessEntitySchema>;
