import type { Client, Portfolio } from '../schemas/client';
import type { WorkflowSettings, Workflows } from '../schemas/workflow';

/** What a case runs with: the client's workflow settings and node lists, with its portfolio's overrides laid on top. */
export interface EffectiveSettings extends WorkflowSettings {
  portfolio: string | undefined;
  workflows: Workflows;
}

export class UnknownPortfolioError extends Error {
  constructor(
    readonly portfolio: string,
    readonly known: string[],
  ) {
    super(`unknown portfolio "${portfolio}"; this client has ${known.length ? known.map((k) => `"${k}"`).join(', ') : 'no portfolios'}`);
  }
}

/** The portfolio a case belongs to: the named one, else the client's default, else the first, else none. */
export function findPortfolio(client: Pick<Client, 'portfolios' | 'defaultPortfolio'>, name?: string): Portfolio | undefined {
  const wanted = name?.trim() || client.defaultPortfolio;
  if (wanted) {
    const match = client.portfolios.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
    if (!match) throw new UnknownPortfolioError(wanted, client.portfolios.map((p) => p.name));
    return match;
  }
  return client.portfolios[0];
}

/** Resolves the effective workflow settings of a case (pure; throws UnknownPortfolioError for a name the client lacks). */
export function resolveEffectiveSettings(
  client: Pick<Client, 'settings' | 'workflows' | 'portfolios' | 'defaultPortfolio'>,
  portfolioName?: string,
): EffectiveSettings {
  const base = client.settings.workflow;
  const portfolio = findPortfolio(client, portfolioName);
  const o = portfolio?.workflowOverrides ?? {};
  return {
    portfolio: portfolio?.name,
    breathingSpace: {
      enabled: o.breathingSpace?.enabled ?? base.breathingSpace.enabled,
      days: o.breathingSpace?.days ?? base.breathingSpace.days,
    },
    paymentPlanReminderDays: o.paymentPlanReminderDays ?? base.paymentPlanReminderDays,
    maxPhoneCallRetries: o.maxPhoneCallRetries ?? base.maxPhoneCallRetries,
    brokenPlanAfterMissedInstallments: o.brokenPlanAfterMissedInstallments ?? base.brokenPlanAfterMissedInstallments,
    contactHours: o.contactHours ?? base.contactHours,
    workflows: { ...client.workflows, ...stripUndefined(portfolio?.workflows ?? {}) },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
