import { apiHandler } from '../../shared/http/api-handler';
import { caseReadRoutes } from './read-routes';

/** Cases API: one Lambda for every /cases route (route groups live beside this file). */
export const handler = apiHandler({
  ...caseReadRoutes,
});
