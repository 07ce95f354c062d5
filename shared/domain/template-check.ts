import type { ErrorDetail } from '../errors';
import type { BusinessEntity, Template } from '../schemas/business-entity';
import type { Client } from '../schemas/client';
import { WORKFLOW_KINDS, type NodeType, type PlanEvent, type WorkflowKind } from '../schemas/workflow';
import { openLedger, balanceAsOf } from './ledger';
import { newPlan } from './payment-plan';
import { BUILTIN_TEMPLATES, BUILTIN_TEMPLATE_NAMES, buildMergeView, mergeFields, type MergeView } from './templates';

/**
 * Templates checked when they are saved, not when a send fails weeks later: every merge field
 * names something, every node's template exists (the client's, its business entity's or a
 * built-in text) and has the part its channel needs.
 */

/** Where a template is used decides which merge fields it may name: `installment` only in a plan's reminder and late notice. */
type Use = { kind: 'any' } | { kind: 'timed' } | { kind: 'plan'; on: PlanEvent };

const SAMPLE_TODAY = '2026-01-01';

function sampleView(use: Use): MergeView {
  const plan = newPlan([{ dueDate: '2026-02-01', amountMinor: 100 }], `${SAMPLE_TODAY}T00:00:00.000Z`);
  const withInstallment = use.kind === 'any' || (use.kind === 'plan' && (use.on === 'reminder' || use.on === 'late'));
  return buildMergeView({
    case: { caseId: 'c', debtor: { type: 'person', name: 'n', address: {} }, invoices: [], phase: 'outreach' },
    balance: { ...balanceAsOf(openLedger(100, 'EUR'), SAMPLE_TODAY), settlementAmountMinor: 0, settlementOutstandingMinor: 0 },
    client: { companyInfo: { name: 'c', address: {} } },
    entity: { name: 'e', senderEmail: 'e@example.com', emailFooter: '', address: {} },
    ...(use.kind !== 'timed' ? { plan } : {}),
    ...(withInstallment ? { installmentIndex: 0 } : {}),
    today: SAMPLE_TODAY,
  });
}

function resolves(view: MergeView, path: string): boolean {
  let cur: unknown = view;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in cur)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}

const MERGE_ROOTS = 'debtor, client, case, balance, entity, today, and in plan messages plan and installment';
const PARTS = ['subject', 'text', 'html', 'sms', 'voice', 'letter'] as const;

/** Per part of a template: the merge fields that name nothing in this use (or why the part cannot be parsed). */
function unknownFields(template: Template, use: Use): Map<(typeof PARTS)[number], string[] | Error> {
  const view = sampleView(use);
  const out = new Map<(typeof PARTS)[number], string[] | Error>();
  for (const part of PARTS) {
    const text = template[part];
    if (!text) continue;
    try {
      const unknown = mergeFields(text).filter((f) => !resolves(view, f));
      if (unknown.length) out.set(part, unknown);
    } catch (e) {
      out.set(part, e as Error);
    }
  }
  return out;
}

function fieldDetails(found: Map<string, string[] | Error>, field: string, suffix = ''): ErrorDetail[] {
  return [...found].map(([part, r]) => ({
    field: `${field}.${part}`,
    message: r instanceof Error ? `cannot be parsed: ${r.message}` : `unknown merge field${r.length > 1 ? 's' : ''} ${r.map((f) => `{{${f}}}`).join(', ')}${suffix}`,
  }));
}

/** The part a channel renders, as renderMessage reads it; undefined when the template has what it needs. */
export function missingPart(template: Template, channel: NodeType): string | undefined {
  switch (channel) {
    case 'email':
      if (!template.subject) return 'a subject';
      return template.text || template.html ? undefined : 'a text or html part';
    case 'sms':
      return template.sms || template.text ? undefined : 'an sms or text part';
    case 'voice':
      return template.voice || template.sms || template.text ? undefined : 'a voice, sms or text part';
    case 'letter':
      return template.letter || template.text ? undefined : 'a letter or text part';
    case 'call':
    case 'ticket':
      return template.text || template.sms || template.subject ? undefined : 'a text, sms or subject';
  }
}

/** Every merge field of a set of templates (a business entity's) names something a message has. */
export function checkTemplates(templates: Record<string, Template>, field = 'templates'): ErrorDetail[] {
  return Object.entries(templates).flatMap(([name, t]) => fieldDetails(unknownFields(t, { kind: 'any' }), `${field}.${name}`, `; merge fields start with: ${MERGE_ROOTS}`));
}

type WorkflowLists = Partial<Client['workflows']>;

/**
 * A client as saved: its own templates' merge fields, and each node of its workflows (and its
 * portfolios') against the templates it can reach.
 */
export function checkClientTemplates(client: Pick<Client, 'templates' | 'workflows' | 'portfolios' | 'settings'>, entity: Pick<BusinessEntity, 'templates'> | undefined): ErrorDetail[] {
  const find = (name: string): Template | undefined =>
    client.templates[name] ?? entity?.templates[name] ?? ((BUILTIN_TEMPLATE_NAMES as readonly string[]).includes(name) ? BUILTIN_TEMPLATES[name as keyof typeof BUILTIN_TEMPLATES] : undefined);
  const where = entity ? "the client's templates, its business entity's or the built-in texts" : "the client's templates or the built-in texts (the client has no business entity)";
  const out = checkTemplates(client.templates);

  const checkNode = (node: { type: NodeType; template?: string }, use: Use, field: string) => {
    if (!node.template) return;
    const t = find(node.template);
    if (!t) {
      out.push({ field, message: `no template named "${node.template}" in ${where}` });
      return;
    }
    const missing = missingPart(t, node.type);
    if (missing) out.push({ field, message: `template "${node.template}" lacks ${missing}, which ${/^[aeiou]/.test(node.type) ? 'an' : 'a'} ${node.type} node needs` });
    // What this node may not name (installment outside a plan's reminder or late notice); a
    // client's own template was checked as a whole above, so only what this use adds is said here.
    const own = Boolean(client.templates[node.template]);
    const inAny = own ? unknownFields(t, { kind: 'any' }) : new Map();
    const here = new Map([...unknownFields(t, use)].filter(([part]) => !inAny.has(part)));
    out.push(...fieldDetails(here, field, ` in template "${node.template}", which a ${node.type} node ${use.kind === 'plan' ? `on "${use.on}" ` : ''}uses`));
  };
  const checkLists = (lists: WorkflowLists, prefix: string) => {
    for (const kind of WORKFLOW_KINDS as readonly WorkflowKind[]) {
      for (const [i, node] of (lists[kind] ?? []).entries()) {
        const use: Use = kind === 'paymentPlan' ? { kind: 'plan', on: (node as { on: PlanEvent }).on } : { kind: 'timed' };
        checkNode(node, use, `${prefix}${kind}.${i}.template`);
      }
    }
  };
  checkLists(client.workflows, 'workflows.');
  for (const [i, p] of client.portfolios.entries()) if (p.workflows) checkLists(p.workflows, `portfolios.${i}.workflows.`);

  const dc = client.settings.debtorCommunication;
  for (const key of ['paidInFullTemplate', 'settlementTemplate'] as const) {
    const name = dc[key];
    if (name) checkNode({ type: 'email', template: name }, { kind: 'timed' }, `settings.debtorCommunication.${key}`);
  }
  return out;
}
