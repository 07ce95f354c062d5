/**
 * The OpenAPI document as one self-contained HTML page (no script, no stylesheet or font from
 * elsewhere: it reads the same offline). Each operation shows its parameters, body and answers;
 * schemas are listed at the end and linked from where they are used.
 */
type Json = Record<string, any>;

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');

/** A schema as indented JSON, with every `$ref` a link to its schema's section. */
function schemaHtml(schema: unknown): string {
  const text = esc(JSON.stringify(schema, null, 2));
  return `<pre>${text.replace(/&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g, (_, id: string) => `<a href="#schema-${anchor(id)}">&quot;${id}&quot;</a>`)}</pre>`;
}

const refName = (schema: Json | undefined) => (schema?.$ref ? String(schema.$ref).split('/').pop()! : undefined);

function contentHtml(content: Json | undefined): string {
  if (!content) return '';
  return Object.entries(content)
    .map(([media, c]: [string, Json]) => {
      const name = refName(c.schema);
      return `<span class="media">${esc(media)}</span> ${name ? `<a href="#schema-${anchor(name)}">${esc(name)}</a>` : schemaHtml(c.schema)}`;
    })
    .join('<br>');
}

function operationHtml(method: string, path: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  return `<section class="op" id="${anchor(op.operationId)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p><strong>${esc(op.summary)}</strong>${op.description ? `<br>${esc(op.description)}` : ''}</p>
<p class="auth">${op.security && op.security.length === 0 ? 'No token needed.' : 'Needs <code>Authorization: Bearer &lt;token&gt;</code>.'}</p>
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th></th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${esc(p.description ?? '')}</td></tr>`).join('')}</table>` : ''}
${op.requestBody ? `<p>Body: ${contentHtml(op.requestBody.content)}</p>` : ''}
<table><tr><th>status</th><th>means</th><th>body</th></tr>${Object.entries(op.responses as Json)
    .map(([status, r]: [string, Json]) => `<tr><td>${esc(status)}</td><td>${esc(r.description)}${r.headers ? ` (headers: ${Object.keys(r.headers).map(esc).join(', ')})` : ''}</td><td>${contentHtml(r.content)}</td></tr>`)
    .join('')}</table>
</section>`;
}

export function openApiHtml(doc: Json): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(item as Json) as [string, Json][]) {
      const tag = op.tags?.[0] ?? 'api';
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(operationHtml(method, path, op));
      (toc.get(tag) ?? toc.set(tag, []).get(tag)!).push(`<li><a href="#${anchor(op.operationId)}"><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a></li>`);
    }
  }
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Json);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{width:22rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f5f8;padding:1rem;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:0 0 1rem}nav a{text-decoration:none;color:inherit}
main{padding:1rem 2rem;max-width:70rem;overflow:auto}
.op{border-top:1px solid #d9dce3;padding:.5rem 0}
.method{display:inline-block;min-width:3.6rem;font:600 12px monospace;text-align:center;border-radius:3px;padding:1px 4px;color:#fff;background:#555}
.get{background:#1f6feb}.post{background:#1a7f37}.patch{background:#9a6700}.delete{background:#cf222e}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d9dce3;padding:3px 8px;text-align:left;vertical-align:top;font-size:13px}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px}.media{color:#57606a;font-size:12px}.auth{color:#57606a;font-size:13px}
</style></head><body>
<nav><p><strong>${esc(doc.info.title)}</strong> · <a href="openapi.json">openapi.json</a></p>
${[...toc].map(([tag, items]) => `<h4>${esc(tag)}</h4><ul>${items.join('')}</ul>`).join('')}
<h4>schemas</h4><ul>${schemas.map(([id]) => `<li><a href="#schema-${anchor(id)}">${esc(id)}</a></li>`).join('')}</ul></nav>
<main><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
<h2>Schemas</h2>
${schemas.map(([id, s]) => `<section id="schema-${anchor(id)}"><h3>${esc(id)}</h3>${schemaHtml(s)}</section>`).join('\n')}
</main></body></html>
`;
}
