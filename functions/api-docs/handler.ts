import { apiDocument } from '../../infra/api-docs';
import { apiHandler } from '../../shared/http/api-handler';
import { openApiHtml } from '../../shared/http/openapi-html';

let page: string | undefined;

/** The API's own reference, public: the OpenAPI 3.1 document and the same rendered as a page. */
export const handler = apiHandler({
  'GET /openapi.json': async () => ({ status: 200, body: apiDocument(), headers: { 'cache-control': 'public, max-age=300' } }),
  'GET /docs': async () => ({ status: 200, body: (page ??= openApiHtml(apiDocument())), headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' } }),
});
