import { z } from 'zod';
import { templateNameSchema } from './business-entity';
import { timeZoneSchema } from './common';

/** The channel nodes every workflow kind may use. */
export const NODE_TYPES = ['email', 'sms', 'voice', 'call', 'letter', 'ticket'] as const;
export const nodeTypeSchema = z.enum(NODE_TYPES);
export type NodeType = z.infer<typeof nodeTypeSchema>;

/** The five workflow kinds, keyed as in the client's `workflows` object. */
export const WORKFLOW_KINDS = ['breathingSpace', 'mainOutreach', 'paymentPlan', 'onHold', 'retry'] as const;
export type WorkflowKind = (typeof WORKFLOW_KINDS)[number];

const nodeCommon = {
  type: nodeTypeSchema,
  /** Which template renders the message; tickets may use `title` instead; a call needs none. */
  template: templateNameSchema.optional(),
  /** Ticket title / free-text instruction for an operator. */
  title: z.string().max(300).optional(),
};

/**
 * A `call` is a request to the call-centre software, whose agents speak for themselves: it needs
 * no template. Every other channel renders one (a `voice` node is text-to-speech of its template).
 */
function requireTemplateUnlessTicket(n: { type: NodeType; template?: string; title?: string }): boolean {
  if (n.type === 'call') return true;
  return n.type === 'ticket' ? Boolean(n.template || n.title) : Boolean(n.template);
}
const templateRule = {
  message: 'needs a template (tickets may give a title instead; call nodes need none)',
  path: ['template'],
};

/** A node of a timed workflow: fires `afterDays` after that workflow started. */
export const timedNodeSchema = z
  .strictObject({
    ...nodeCommon,
    afterDays: z.number().int('must be a whole number of days').min(0).max(3650),
  })
  .refine(requireTemplateUnlessTicket, templateRule);
export type TimedNode = z.infer<typeof timedNodeSchema>;

export const PLAN_EVENTS = ['agreed', 'reminder', 'late', 'broken', 'completed'] as const;
export const planEventSchema = z.enum(PLAN_EVENTS);
export type PlanEvent = z.infer<typeof planEventSchema>;

/** A node of the payment-plan workflow: fires on a plan event instead of a day offset. */
export const planNodeSchema = z
  .strictObject({ ...nodeCommon, on: planEventSchema })
  .refine(requireTemplateUnlessTicket, templateRule);
export type PlanNode = z.infer<typeof planNodeSchema>;

const timedList = z.array(timedNodeSchema).max(100);

export const workflowsSchema = z.strictObject({
  breathingSpace: timedList.default([]),
  mainOutreach: timedList.default([]),
  paymentPlan: z.array(planNodeSchema).max(100).default([]),
  onHold: timedList.default([]),
  retry: timedList.default([]),
});
export type Workflows = z.infer<typeof workflowsSchema>;

/**
 * A portfolio's own node lists: only the kinds it names replace the client's. No defaults here
 * (a default would fill every kind it leaves out with an empty list and wipe the client's).
 */
export const portfolioWorkflowsSchema = z.strictObject({
  breathingSpace: timedList.optional(),
  mainOutreach: timedList.optional(),
  paymentPlan: z.array(planNodeSchema).max(100).optional(),
  onHold: timedList.optional(),
  retry: timedList.optional(),
});
export type PortfolioWorkflows = z.infer<typeof portfolioWorkflowsSchema>;

/** Workflow settings: global per client, overridable per portfolio. */
/**
 * When workflow steps may reach a debtor, in the debtor's own local time: from `from`:00 to
 * `to`:00. A step due outside waits for the next opening (a day-0 email of a case imported at
 * night goes the next morning). `timeZone` is the zone of debtors whose own is unknown.
 */
export const contactHoursSchema = z
  .strictObject({
    from: z.number().int().min(0).max(23).default(8),
    to: z.number().int().min(1).max(24).default(20),
    timeZone: timeZoneSchema.optional(),
    /**
     * Each case's messages go out at its own point of what is left of the hours they are due
     * in (a stable hash of the case id), so a large import or a night's steps moved to the
     * morning reach the providers paced, within their quotas. `false`: every step goes at the
     * first instant of the hours it is due in, and a large cohort relies on the providers'
     * throttling retries alone.
     */
    spread: z.boolean().default(true),
  })
  .refine((h) => h.from < h.to, { message: 'must be later than from (hours of one day, e.g. from 8 to 20)', path: ['to'] });
export type ContactHours = z.infer<typeof contactHoursSchema>;

export const workflowSettingsSchema = z.strictObject({
  breathingSpace: z
    .strictObject({
      enabled: z.boolean().default(true),
      days: z.number().int().min(0).max(365).default(14),
    })
    .prefault({}),
  paymentPlanReminderDays: z.number().int().min(0).max(60).default(3),
  maxPhoneCallRetries: z.number().int().min(0).max(10).default(2),
  /** Missed instalments after which a plan counts as broken and the case returns to outreach. */
  brokenPlanAfterMissedInstallments: z.number().int().min(1).max(12).default(2),
  contactHours: contactHoursSchema.prefault({}),
});
export type WorkflowSettings = z.infer<typeof workflowSettingsSchema>;

/** What a portfolio may override: any workflow setting, and any workflow's node list. */
export const workflowOverridesSchema = z.strictObject({
  breathingSpace: z
    .strictObject({ enabled: z.boolean().optional(), days: z.number().int().min(0).max(365).optional() })
    .optional(),
  paymentPlanReminderDays: z.number().int().min(0).max(60).optional(),
  maxPhoneCallRetries: z.number().int().min(0).max(10).optional(),
  brokenPlanAfterMissedInstallments: z.number().int().min(1).max(12).optional(),
  /** Replaces the client's contact hours as a whole. */
  contactHours: contactHoursSchema.optional(),
});
export type WorkflowOverrides = z.infer<typeof workflowOverridesSchema>;
