import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { apiDocument } from '../../infra/api-docs';
import { API_ROUTES } from '../../infra/api-routes';

type Json = Record<string, any>;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const DOC_ID = 'recoup-openapi.json';
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ReturnType<Ajv2020['compile']>>();

function validatorFor(ref: string) {
  let v = validators.get(ref);
  if (!v) {
    if (!ajv) {
      // The whole document as one schema, so the components' `#/components/schemas/..` refs resolve inside it.
      ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
      ajv.addSchema(apiDocument(), DOC_ID);
    }
    v = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    validators.set(ref, v);
  }
  return v;
}

const routes = API_ROUTES.map(({ route }) => {
  const [method, path] = route.split(' ') as [string, string];
  return { method, path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`) };
});

/**
 * Checks one answer of the API against the OpenAPI document: its status must be one the route
 * documents and its JSON body must match that response's schema. Requests outside the route
 * table (the local-only routes, a path no route has) are not the document's business.
 */
export function checkAgainstOpenApi(method: string, url: string, status: number, body: unknown): void {
  const pathname = new URL(url, 'http://x').pathname;
  const route = routes.find((r) => r.method === method && r.pattern.test(pathname));
  if (!route) return;
  const op = ((apiDocument().paths as Json)[route.path] as Json)?.[method.toLowerCase()] as Json | undefined;
  if (!op) throw new Error(`${method} ${route.path} is not in the OpenAPI document`);
  const response = (op.responses as Json)[String(status)] as Json | undefined;
  if (!response) throw new Error(`${method} ${pathname} answered ${status}, which the OpenAPI document does not list for ${method} ${route.path} (it lists ${Object.keys(op.responses).join(', ')}): ${JSON.stringify(body)?.slice(0, 500)}`);
  const ref = response.content?.['application/json']?.schema?.$ref as string | undefined;
  // A followed redirect has no body of its own to check; a text answer (CSV, HTML) has no schema.
  if (!ref || body === undefined || typeof body === 'string') return;
  const validate = validatorFor(ref);
  if (!validate(body)) {
    const problems = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    throw new Error(`${method} ${pathname} answered ${status} with a body that does not match ${ref}:\n  ${problems.join('\n  ')}\nbody: ${String(JSON.stringify(body)).slice(0, 800)}`);
  }
}
