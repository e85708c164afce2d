// /api/docs: the OpenAPI document rendered as one self-contained HTML page (no scripts, no
// CDN), so it works on an air-gapped server too.
type Schema = Record<string, unknown>;

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

function typeOf(schema: Schema | undefined): string {
  if (!schema) return "any";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").pop()!;
  const type = Array.isArray(schema.type)
    ? schema.type.join(" | ")
    : (schema.type as string | undefined);
  if (type === "array") return `${typeOf(schema.items as Schema)}[]`;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  return [type ?? "any", schema.format ? `(${schema.format})` : ""].join(" ").trim();
}

export function openApiPage(document: Schema): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Schema>>;
  const schemas = (document.components as { schemas: Record<string, Schema> }).schemas;
  const operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters as Schema[] | undefined) ?? [];
      const body = (op.requestBody as { content: Record<string, { schema: Schema }> } | undefined)
        ?.content?.["application/json"]?.schema;
      const responses = Object.entries(
        op.responses as Record<
          string,
          { description: string; content?: Record<string, { schema: Schema }> }
        >,
      );
      return `<section class="op" id="${escapeHtml(op.operationId)}">
  <h3><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(op.summary ?? "")}</p>
  ${params.length ? `<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>About</th></tr>${params.map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${escapeHtml(typeOf(p.schema as Schema))}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`).join("")}</table>` : ""}
  ${body ? `<p>Body: <a href="#schema-${escapeHtml(typeOf(body))}">${escapeHtml(typeOf(body))}</a></p>` : ""}
  <ul>${responses.map(([status, r]) => `<li><b>${escapeHtml(status)}</b> ${escapeHtml(r.description)}${r.content ? ` → ${escapeHtml(typeOf(r.content["application/json"]?.schema))}` : ""}</li>`).join("")}</ul>
</section>`;
    }),
  );
  const schemaSections = Object.entries(schemas).map(([name, schema]) => {
    const properties = Object.entries(
      (schema.properties as Record<string, Schema> | undefined) ?? {},
    );
    const required = new Set((schema.required as string[] | undefined) ?? []);
    return `<section class="schema" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>
  <table><tr><th>Field</th><th>Type</th><th>Required</th><th>About</th></tr>${properties.map(([key, p]) => `<tr><td><code>${escapeHtml(key)}</code></td><td>${escapeHtml(typeOf(p))}</td><td>${required.has(key) ? "yes" : ""}</td><td>${escapeHtml(p.description ?? "")}</td></tr>`).join("")}</table></section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} reference</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#0f172a}
code{font-family:ui-monospace,monospace}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #e2e8f0;padding:.25rem .5rem;text-align:left;vertical-align:top}
.op,.schema{border-top:1px solid #e2e8f0;padding:.5rem 0}.m{font-weight:700;font-size:.8rem;padding:.1rem .4rem;border-radius:.25rem;background:#e2e8f0}
.get{background:#dbeafe}.post{background:#dcfce7}.patch{background:#fef9c3}.delete{background:#fee2e2}
@media (prefers-color-scheme:dark){body{background:#0b1120;color:#e2e8f0}td,th,.op,.schema{border-color:#1f2937}.m{color:#0f172a}}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)} The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<h2>Endpoints</h2>
${operations.join("\n")}
<h2>Schemas</h2>
${schemaSections.join("\n")}
</body></html>`;
}
