import { z } from 'zod';
import { credentialRefusalSchema, errorResponseSchema } from '../schemas/api';

/** How one route is described: what it takes and what it answers, as zod schemas of shared/schemas. */
export interface RouteDoc {
  summary: string;
  description?: string;
  /** Needs no bearer token. */
  public?: boolean;
  /** Query parameters (an object schema: each key is one parameter). */
  query?: z.ZodObject;
  /** The JSON body. */
  body?: z.ZodType;
  /** Answers other than errors, by status. */
  responses: Partial<Record<number, ResponseDoc>>;
  /** Error statuses beyond those every route of its kind may answer (400, 401, 403, 404), e.g. 409. */
  errors?: readonly number[];
}

export interface ResponseDoc {
  description: string;
  /** A JSON body of this shape. */
  schema?: z.ZodType;
  /** Another media type, with the body as text (a CSV, an HTML page). */
  mediaType?: 'text/csv' | 'text/html';
  /** Response headers, by name: what they carry. */
  headers?: Record<string, string>;
}

/** A component's name in the document, e.g. `Case`; schemas without one are named after their operation. */
export function named<T extends z.ZodType>(name: string, schema: T): T {
  names.set(schema, name);
  return schema;
}
const names = new Map<z.ZodType, string>();

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the body, a query parameter or a path parameter; `details` name each bad field',
  401: 'No valid bearer token (API Gateway answers `{ "message": "Unauthorized" }` before any function runs), or the user is disabled',
  403: 'The API key or admin token is not valid (API Gateway: `{ "message": "Forbidden" }`), or the caller’s role may not use this route',
  404: 'No such record (or one its caller may not see)',
  409: 'Conflict: a stale version, or an action the case’s phase does not allow',
  413: 'The body is too large',
};

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the API: every route of `routes` with its doc from `docs` (a route
 * without one is an error, so the reference cannot fall behind the route table). Schemas are
 * converted by zod's own JSON Schema generator (JSON Schema 2020-12, the dialect of OpenAPI 3.1)
 * in one pass, so shared parts become components referenced by `$ref`.
 */
export function openApiDocument(routes: readonly { route: string }[], docs: Record<string, RouteDoc>, info: { title: string; version: string; description: string }): Json {
  const missing = routes.filter((r) => !docs[r.route]).map((r) => r.route);
  if (missing.length) throw new Error(`routes without a doc in infra/api-docs.ts: ${missing.join(', ')}`);

  const registry = z.registry<{ id: string }>();
  const idOf = new Map<z.ZodType, string>();
  const register = (schema: z.ZodType, fallback: string): string => {
    let id = idOf.get(schema);
    if (!id) {
      id = names.get(schema) ?? fallback;
      if ([...idOf.values()].includes(id)) throw new Error(`two schemas are named ${id} in the API document`);
      idOf.set(schema, id);
      registry.add(schema, { id });
    }
    return id;
  };
  const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  register(errorResponseSchema, 'Error');
  register(credentialRefusalSchema, 'CredentialRefusal');
  // Every named schema is a component, so one nested in another is a $ref there, not a copy.
  for (const [schema, name] of names) register(schema, name);

  const paths: Record<string, Json> = {};
  for (const { route } of routes) {
    const doc = docs[route]!;
    const [method, path] = route.split(' ') as [string, string];
    const opId = operationId(method, path);
    const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const parameters: Json[] = pathParams.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    if (doc.query) {
      const q = z.toJSONSchema(doc.query, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json & { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        const { description, ...rest } = schema;
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema: rest, ...(description ? { description } : {}) });
      }
    }
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(doc.responses)) {
      const content = r!.schema
        ? { 'application/json': { schema: ref(register(r!.schema, `${pascal(opId)}${status}`)) } }
        : r!.mediaType
          ? { [r!.mediaType]: { schema: { type: 'string' } } }
          : undefined;
      responses[status] = {
        description: r!.description,
        ...(content ? { content } : {}),
        ...(r!.headers ? { headers: Object.fromEntries(Object.entries(r!.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) } : {}),
      };
    }
    const errors = new Set<number>(doc.errors ?? []);
    // Every route behind a credential refuses a query parameter it does not know.
    if (doc.query || doc.body || pathParams.length || !doc.public) errors.add(400);
    // A body over what a record holds (400 KB) is refused before it is read.
    if (doc.body) errors.add(413);
    if (!doc.public) errors.add(401).add(403);
    if (pathParams.length) errors.add(404);
    for (const status of [...errors].sort()) {
      responses[String(status)] = { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: ref(status === 401 || status === 403 ? 'CredentialRefusal' : 'Error') } } };
    }
    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId: opId,
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      tags: [tagOf(path)],
      ...(doc.public ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(register(doc.body, `${pascal(opId)}Body`)) } } } } : {}),
      responses,
    };
  }

  const converted = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  const schemas = Object.fromEntries(
    Object.entries(converted.schemas)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The admin token, or an API key a client was given (`rk_<key id>.<secret>`)' } },
    },
  };
}

/** `GET /clients/{clientId}/cases` -> `getClientsClientIdCases`. */
export function operationId(method: string, path: string): string {
  const words = path.split('/').filter(Boolean).map((w) => w.replace(/[{}]/g, '').replace(/[-.](\w)/g, (_, c: string) => c.toUpperCase()));
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const pascal = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/** Operations are grouped by what they are about: `/clients/{id}/cases` with the cases, `/cases/{id}/hold` too. */
function tagOf(path: string): string {
  const segments = path.split('/').filter((s) => s && !s.startsWith('{'));
  return segments[0] === 'clients' && segments.length > 1 ? segments[1]! : (segments[0] ?? 'api');
}
