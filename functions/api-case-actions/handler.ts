import { nowIso } from '../../shared/adapters/clock';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { callerLabel, clientScopeOf } from '../../shared/http/callers';
import { parseOrThrow } from '../../shared/http/validate';
import {
  closeBodySchema as closeBody,
  contactPreferencesBodySchema as contactBody,
  holdBodySchema as holdBody,
  paymentBodySchema as paymentBody,
  planBodySchema as planBody,
  releaseBodySchema as releaseBody,
  settleBodySchema as settleBody,
} from '../../shared/schemas/case-actions';
import { loadCaseContext } from '../../shared/workflow/case-context';
import { changePhaseOrThrow } from '../../shared/workflow/phase-change';
import { caseView, visibleCase } from '../api-cases/read-routes';

/**
 * Case actions: payments, payment plans, holds, releases, settlements, closing by hand (the
 * client withdrew the case, or the agency writes it off) and the debtor's contact preferences
 * (an opt-out such as a STOP reply, honoured by every later send). Each is one event of
 * the phase machine (shared/domain/transition.ts); a phase that forbids it answers 409.
 * Payments are allocated costs first, then interest, then principal; a payment's `reference`
 * identifies it, so the same payment posted twice is recorded once. An unknown case is a 404
 * from the phase change's own read of it.
 */
export const handler = apiHandler({
  'POST /cases/{caseId}/payments': async (req) => {
    const { params, body } = req;
    const b = parseOrThrow(paymentBody, body ?? {}, 'body');
    // A client's system may report payments on its own cases only; the case read to check that is the change's first read too.
    const known = clientScopeOf(req.caller) !== undefined ? await loadCaseContext(params.caseId!, await visibleCase(req)) : undefined;
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'payment', amountMinor: b.amountMinor, receivedAt: b.receivedAt ?? nowIso(), method: b.method, reference: b.reference }, { known, by: callerLabel(req.caller) });
    // The same reference again (a retry of the client's system): answered, not recorded twice.
    if (result.duplicateOf) return ok({ caseId: params.caseId, duplicate: true, payment: result.duplicateOf, case: caseView(result.case) });
    return created({ caseId: params.caseId, allocation: result.allocation, case: caseView(result.case) });
  },

  'POST /cases/{caseId}/payment-plan': async ({ params, body, caller }) => {
    const b = parseOrThrow(planBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'plan_agreed', installments: b.installments }, { by: callerLabel(caller) });
    return created({ caseId: params.caseId, paymentPlan: result.case.paymentPlan, case: caseView(result.case) });
  },

  'POST /cases/{caseId}/hold': async ({ params, body, caller }) => {
    const b = parseOrThrow(holdBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'hold', reason: b.reason, note: b.note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/release': async ({ params, body, caller }) => {
    const b = parseOrThrow(releaseBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'release', resumeTo: b.resumeTo }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/settle': async ({ params, body, caller }) => {
    const b = parseOrThrow(settleBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'settle', amountMinor: b.amountMinor }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/close': async ({ params, body, caller }) => {
    const b = parseOrThrow(closeBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'close', reason: b.reason, note: b.note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/contact-preferences': async ({ params, body, caller }) => {
    const { note, ...allowed } = parseOrThrow(contactBody, body ?? {}, 'body');
    const { result } = await changePhaseOrThrow(params.caseId!, { type: 'contact_preferences', allowed, note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },
});
