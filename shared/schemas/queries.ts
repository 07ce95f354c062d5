import { z } from 'zod';
import { PHASES } from './case';
import { pageQuerySchema } from './api';

/** `GET /clients/{clientId}/cases`: one page of the client's cases, optionally in one phase. */
export const caseListQuerySchema = pageQuerySchema.extend({
  phase: z.enum(PHASES, { error: `must be one of ${PHASES.join(', ')}` }).optional(),
});
