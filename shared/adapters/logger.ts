import { Logger } from '@aws-lambda-powertools/logger';

/** One structured logger per process; debtor contact data never goes into log fields. */
export const logger = new Logger({ serviceName: 'recoup', logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'WARN' });
