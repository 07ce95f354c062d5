import { describe, expect, it } from 'vitest';
import { checkClientTemplates, checkTemplates } from '../../shared/domain/template-check';
import { clientInputSchema } from '../../shared/schemas/client';

const entity = { templates: { 'first-notice': { subject: 'You owe {{balance.outstanding}}', text: 'Dear {{debtor.name}}', sms: 'Pay {{balance.outstanding}}' } } };

const client = (body: Record<string, unknown>) => clientInputSchema.parse({ companyInfo: { name: 'FinView' }, ...body });

describe('templates checked when saved', () => {
  it('accepts nodes whose templates exist and have what their channel needs', () => {
    const c = client({
      templates: { 'sms-only': { sms: '{{client.name}}: {{balance.outstanding}} due' } },
      workflows: {
        mainOutreach: [
          { type: 'email', afterDays: 0, template: 'first-notice' },
          { type: 'sms', afterDays: 2, template: 'sms-only' },
          { type: 'voice', afterDays: 3, template: 'sms-only' },
          { type: 'call', afterDays: 4 },
        ],
        paymentPlan: [{ type: 'sms', on: 'reminder', template: 'plan-reminder' }],
      },
    });
    expect(checkClientTemplates(c, entity)).toEqual([]);
  });

  it('refuses an unknown merge field, naming the template, part and field', () => {
    const c = client({ templates: { letter: { letter: 'Dear {{debtor.nmae}}, {{balance.outstanding}}' } } });
    expect(checkClientTemplates(c, entity)).toEqual([{ field: 'templates.letter.letter', message: expect.stringMatching(/unknown merge field \{\{debtor\.nmae\}\}/) }]);
    expect(checkTemplates({ t: { subject: '{{cleint.name}}', text: 'ok {{today}}' } })).toEqual([{ field: 'templates.t.subject', message: expect.stringMatching(/\{\{cleint\.name\}\}/) }]);
  });

  it('refuses a node naming a template that exists nowhere, in the client and in its portfolios', () => {
    const c = client({
      workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notise' }] },
      portfolios: [{ name: 'telecom', workflows: { retry: [{ type: 'sms', afterDays: 0, template: 'gone' }] } }],
      settings: { debtorCommunication: { paidInFullTemplate: 'thanks' } },
    });
    expect(checkClientTemplates(c, entity)).toEqual([
      { field: 'workflows.mainOutreach.0.template', message: expect.stringMatching(/no template named "first-notise" in the client's templates, its business entity's or the built-in texts/) },
      { field: 'portfolios.0.workflows.retry.0.template', message: expect.stringMatching(/"gone"/) },
      { field: 'settings.debtorCommunication.paidInFullTemplate', message: expect.stringMatching(/"thanks"/) },
    ]);
    // Without a business entity, its templates are not there to be found.
    expect(checkClientTemplates(client({ workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'first-notice' }] } }), undefined)[0]!.message).toMatch(/has no business entity/);
  });

  it('refuses a template missing the part its channel needs', () => {
    const c = client({
      templates: { 'sms-only': { sms: 'Pay now' }, 'subject-only': { subject: 'Hello' } },
      workflows: { mainOutreach: [{ type: 'email', afterDays: 0, template: 'sms-only' }, { type: 'voice', afterDays: 1, template: 'subject-only' }, { type: 'letter', afterDays: 2, template: 'sms-only' }] },
    });
    expect(checkClientTemplates(c, entity)).toEqual([
      { field: 'workflows.mainOutreach.0.template', message: 'template "sms-only" lacks a subject, which an email node needs' },
      { field: 'workflows.mainOutreach.1.template', message: 'template "subject-only" lacks a voice, sms or text part, which a voice node needs' },
      { field: 'workflows.mainOutreach.2.template', message: 'template "sms-only" lacks a letter or text part, which a letter node needs' },
    ]);
  });

  it('refuses instalment fields outside a plan’s reminder and late notice', () => {
    const c = client({
      templates: { due: { sms: 'Instalment {{installment.number}} is due' } },
      workflows: { mainOutreach: [{ type: 'sms', afterDays: 0, template: 'due' }], paymentPlan: [{ type: 'sms', on: 'reminder', template: 'due' }] },
    });
    expect(checkClientTemplates(c, entity)).toEqual([{ field: 'workflows.mainOutreach.0.template.sms', message: expect.stringMatching(/\{\{installment\.number\}\}/) }]);
  });
});

describe('which nodes need a template', () => {
  it('a call node needs none; a voice node does', () => {
    expect(clientInputSchema.safeParse({ companyInfo: { name: 'A' }, workflows: { mainOutreach: [{ type: 'call', afterDays: 0 }] } }).success).toBe(true);
    const voice = clientInputSchema.safeParse({ companyInfo: { name: 'A' }, workflows: { mainOutreach: [{ type: 'voice', afterDays: 0 }] } });
    expect(voice.error?.issues[0]?.path).toEqual(['workflows', 'mainOutreach', 0, 'template']);
  });
});
