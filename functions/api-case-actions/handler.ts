import { nowIso } from '../../shared/adapters/clock';
import { cases, timeline } from '../../shared/adapters/dynamo/case-repository';
import { correctDebtor } from '../../shared/domain/debtor-correction';
import { ConflictError } from '../../shared/errors';
import { expectedVersion } from '../../shared/http/merge-patch-request';
import { apiHandler, created, ok } from '../../shared/http/api-handler';
import { callerLabel, clientScopeOf } from '../../shared/http/callers';
import { parseOrThrow } from '../../shared/http/validate';
import {
  closeBodySchema as closeBody,
  debtorCorrectionBodySchema as debtorCorrectionBody,
  contactPreferencesBodySchema as contactBody,
  holdBodySchema as holdBody,
  paymentBodySchema as paymentBody,
  planBodySchema as planBody,
  releaseBodySchema as releaseBody,
  settleBodySchema as settleBody,
} from '../../shared/schemas/case-actions';
import { loadCaseContext } from '../../shared/workflow/case-context';
import { applyCaseEventOrThrow } from '../../shared/workflow/apply-case-event';
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
  /**
   * Corrects the debtor's contact data (a merge patch of name, email, phone, address, timezone).
   * Every later send reads the case again, so it uses the new data; the old values stay on the
   * timeline. Without a `version` the correction is re-applied over a concurrent workflow write
   * (a step moving its progress); with one, a changed case is a 409.
   */
  'PATCH /cases/{caseId}': async ({ params, body, headers }) => {
    // An unknown case is a 404 whatever the body says.
    let current = await cases.get(params.caseId!);
    const b = parseOrThrow(debtorCorrectionBody, body ?? {}, 'body');
    const expected = expectedVersion(headers['if-match'], b.version);
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) current = await cases.get(params.caseId!);
      if (expected !== undefined && expected !== current.version) {
        throw new ConflictError(`case is at version ${current.version}, not ${expected}; read it again and reapply your correction`, 'stale_version');
      }
      const { debtor, changes } = correctDebtor(current.debtor, b.debtor);
      if (changes.length === 0) return ok(caseView(current));
      try {
        const next = await cases.replace({ ...current, debtor });
        const said = changes.map((c) => `${c.field} ${c.before === undefined ? 'set' : `"${String(c.before)}"`} -> ${c.after === undefined ? 'removed' : `"${String(c.after)}"`}`);
        await timeline.append(current.caseId, { type: 'debtor_corrected', message: `debtor's contact data corrected: ${said.join('; ')}`, data: { changes } });
        return ok(caseView(next));
      } catch (e) {
        if (!(e instanceof ConflictError) || expected !== undefined || attempt >= 5) throw e;
      }
    }
  },

  'POST /cases/{caseId}/payments': async (req) => {
    const { params, body } = req;
    const b = parseOrThrow(paymentBody, body ?? {}, 'body');
    // A client's system may report payments on its own cases only; the case read to check that is the change's first read too.
    const known = clientScopeOf(req.caller) !== undefined ? await loadCaseContext(params.caseId!, await visibleCase(req)) : undefined;
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'payment', amountMinor: b.amountMinor, receivedAt: b.receivedAt ?? nowIso(), method: b.method, reference: b.reference }, { known, by: callerLabel(req.caller) });
    // The same reference again (a retry of the client's system): answered, not recorded twice.
    if (result.duplicateOf) return ok({ caseId: params.caseId, duplicate: true, payment: result.duplicateOf, case: caseView(result.case) });
    return created({ caseId: params.caseId, allocation: result.allocation, case: caseView(result.case) });
  },

  'POST /cases/{caseId}/payment-plan': async ({ params, body, caller }) => {
    const b = parseOrThrow(planBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'plan_agreed', installments: b.installments }, { by: callerLabel(caller) });
    return created({ caseId: params.caseId, paymentPlan: result.case.paymentPlan, case: caseView(result.case) });
  },

  'POST /cases/{caseId}/hold': async ({ params, body, caller }) => {
    const b = parseOrThrow(holdBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'hold', reason: b.reason, note: b.note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/release': async ({ params, body, caller }) => {
    const b = parseOrThrow(releaseBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'release', resumeTo: b.resumeTo }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/settle': async ({ params, body, caller }) => {
    const b = parseOrThrow(settleBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'settle', amountMinor: b.amountMinor }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/close': async ({ params, body, caller }) => {
    const b = parseOrThrow(closeBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'close', reason: b.reason, note: b.note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },

  'POST /cases/{caseId}/contact-preferences': async ({ params, body, caller }) => {
    const { note, ...allowed } = parseOrThrow(contactBody, body ?? {}, 'body');
    const { result } = await applyCaseEventOrThrow(params.caseId!, { type: 'contact_preferences', allowed, note }, { by: callerLabel(caller) });
    return ok(caseView(result.case));
  },
});
