import { config } from './config';

/** The CloudWatch dashboard's console URL the stack gives the function (DASHBOARD_URL); undefined where there is none (locally). */
export const dashboardUrl = (): string | undefined => config().DASHBOARD_URL;
