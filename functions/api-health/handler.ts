import { apiHandler, ok } from '../../shared/http/api-handler';

export const handler = apiHandler({
  'GET /health': async () => ok({ status: 'ok' }),
});
